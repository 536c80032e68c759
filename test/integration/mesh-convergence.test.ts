// Convergence through real processes: the control plane, the ingress gateway, two injected app
// pods (each with its sidecar) behind one Service. After a VirtualService edit is applied with
// `skiff apply`, traffic through the gateway must follow it within 2 s of the apply returning
// (the bound), measured by polling every 50 ms.
//
// The gateway and sidecars run the compiled CLI (bin/skiff.js → dist/): `npm run build` first.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { main } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';
import { enableInjection, waitReady } from '../../src/runtime/bookinfo-install.js';
import { startMesh, type Mesh } from '../../src/runtime/mesh.js';
import { allocatePort } from '../../src/runtime/ports.js';
import { httpCall } from '../testkit/mesh-http.js';

/** Polling period and the convergence bound. */
const POLL_MS = 50;
const CONVERGENCE_BOUND_MS = 2000;

// Each version answers with its own name, so every response says which Deployment served it.
// (fortio's echo server, the catalog's stand-in, answers the same from every version.)
const VERSION_ECHO = [
  "const http = require('node:http');",
  "http.createServer((req, res) => { req.resume(); req.on('end', () => { res.writeHead(200, { 'content-type': 'text/plain' }); res.end(process.env.VERSION); }); })",
  '  .listen(Number(process.env.PORT), process.env.HOST);',
].join('\n');

function deployment(version: string): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: `echo-${version}`, labels: { app: 'echo', version } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'echo', version } },
      template: {
        metadata: { labels: { app: 'echo', version } },
        spec: {
          containers: [
            {
              name: 'echo',
              image: 'skiff.test/version-echo:1',
              command: [process.execPath, '-e', VERSION_ECHO],
              env: [{ name: 'VERSION', value: version }],
              ports: [{ containerPort: 8080, name: 'http' }],
            },
          ],
        },
      },
    },
  };
}

function virtualService(version: string): Record<string, unknown> {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'echo' },
    spec: {
      hosts: ['*'],
      gateways: ['echo-gateway'],
      http: [{ route: [{ destination: { host: 'echo', port: { number: 8080 }, subset: version } }] }],
    },
  };
}

const MANIFEST = [
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 'echo', labels: { app: 'echo' } }, spec: { ports: [{ port: 8080, name: 'http' }], selector: { app: 'echo' } } },
  deployment('v1'),
  deployment('v2'),
  {
    apiVersion: 'networking.istio.io/v1',
    kind: 'Gateway',
    metadata: { name: 'echo-gateway' },
    spec: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 8080, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] },
  },
  {
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: { name: 'echo' },
    spec: { host: 'echo', subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }] },
  },
  virtualService('v1'),
];

const yamlOf = (docs: unknown[]) => docs.map((d) => stringify(d)).join('---\n');

let home: string;
let mesh: Mesh | undefined;
let ingressPort: number;
const meshLog: string[] = [];

/** `skiff -n default apply -f -` in-process against this mesh's API; resolves when the command returns. */
async function skiffApply(yaml: string): Promise<void> {
  let out = '';
  const io: CliIO = {
    stdout: { write: (s: string) => ((out += s), true) },
    stderr: { write: (s: string) => ((out += s), true) },
    env: { SKIFF_HOME: home, PATH: process.env.PATH ?? '' },
    readStdin: async () => yaml,
    waitForShutdown: () => new Promise(() => undefined),
  };
  const code = await main(['node', 'skiff', '--server', mesh!.controlPlane.apiUrl, '-n', 'default', 'apply', '-f', '-'], io);
  assert.equal(code, 0, `skiff apply failed: ${out}`);
}

/** Which version answered a GET through the gateway, or a description of the failure. */
async function servedBy(): Promise<string> {
  const r = await httpCall(ingressPort, '/', { timeoutMs: 5000 }).catch((e: Error) => ({ status: 0, body: e.message }));
  return r.status === 200 ? r.body : `status ${r.status}: ${r.body.slice(0, 120)}`;
}

async function until(what: string, fn: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\nmesh log:\n${meshLog.slice(-30).join('\n')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

before(async () => {
  home = await mkdtemp(join(tmpdir(), 'skiff-convergence-'));
  ingressPort = await allocatePort();
  mesh = await startMesh({ home, apiPort: 0, xdsPort: 0, ingressPort, profile: 'default', log: (m) => meshLog.push(m) });
  await enableInjection(mesh.controlPlane.store, 'default');
  await skiffApply(yamlOf(MANIFEST));
  // Two app pods and the ingress gateway, all ready, every proxy synced.
  await waitReady(mesh, ['default', 'istio-system'], 3, 120_000);
  await until('v1 answering through the gateway', async () => (await servedBy()) === 'v1', 30_000);
});

after(async () => {
  await mesh?.stop();
  if (home) await rm(home, { recursive: true, force: true });
});

test(`a VirtualService change is followed through the gateway within ${CONVERGENCE_BOUND_MS} ms of the apply returning`, async () => {
  const before: string[] = [];
  for (let i = 0; i < 10; i++) before.push(await servedBy());
  assert.deepEqual(before, Array(10).fill('v1'), 'all traffic goes to v1 before the change');

  await skiffApply(yamlOf([virtualService('v2')]));
  const applied = performance.now();
  const seen: string[] = [];
  let convergedAfterMs: number | undefined;
  // Poll past the bound (5 s) so a late convergence is reported with its real time.
  while (performance.now() - applied < 5000) {
    const who = await servedBy();
    seen.push(who);
    if (who === 'v2') {
      convergedAfterMs = performance.now() - applied;
      break;
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  assert.ok(convergedAfterMs !== undefined, `traffic never reached v2 within 5 s; answers: ${seen.join(', ')}`);
  assert.ok(convergedAfterMs <= CONVERGENCE_BOUND_MS, `traffic reached v2 ${convergedAfterMs.toFixed(0)} ms after the apply returned (bound ${CONVERGENCE_BOUND_MS} ms)`);
  // Until then every answer was v1 (no errors while switching), and from then on it is v2.
  assert.deepEqual(seen.slice(0, -1).filter((w) => w !== 'v1'), [], 'answers before the switch were v1');
  const afterwards: string[] = [];
  for (let i = 0; i < 20; i++) afterwards.push(await servedBy());
  assert.deepEqual(afterwards, Array(20).fill('v2'), 'all traffic goes to v2 after the change');
});
