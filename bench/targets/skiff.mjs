// The Skiff targets: the compiled proxy (startProxy() from dist/src/proxy/main.js) in its own
// process, on a static Envoy bootstrap file, as Envoy runs with `-c bootstrap.json`
// (skiff-proxy-process.mjs does the reading and starting).
//   skiff   one sidecar hop: client → outbound sidecar → upstream
//   skiff2  client sidecar + server sidecar, as Istio's benchmark measures: client → outbound
//           sidecar → inbound sidecar → upstream (plain HTTP between them; Istio uses mTLS there)
// Access logs go to files and the admin server is on; /stats/prometheus is scraped after the run.
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startProcess, stopProcess } from '../lib/processes.mjs';
import { freePort, httpGet, LOOPBACK, waitForHttp } from '../lib/net.mjs';
import { inboundSidecar, outboundSidecar, BENCH_NAMESPACE } from './skiff-config.mjs';

export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const PROXY_SOURCE = join(REPO_ROOT, 'src/proxy/main.ts');
const PROXY_MAIN = join(REPO_ROOT, 'dist/src/proxy/main.js');
const LAUNCHER = fileURLToPath(new URL('./skiff-proxy-process.mjs', import.meta.url));
const NODE_FLAGS = join(REPO_ROOT, 'dist/src/proxy/node-flags.js');

/** The V8 flags the runtime launches `skiff proxy` with (src/proxy/node-flags.ts), so both measure alike. */
async function proxyNodeFlags() {
  if (!existsSync(NODE_FLAGS)) return [];
  const { PROXY_NODE_FLAGS } = await import(pathToFileURL(NODE_FLAGS).href);
  return [...PROXY_NODE_FLAGS];
}

/** Why the compiled proxy cannot be started, or undefined if it can be tried. */
export function proxyUnavailable() {
  if (!existsSync(PROXY_MAIN)) {
    if (!existsSync(PROXY_SOURCE)) return 'the Skiff proxy has no entry point yet: src/proxy/main.ts (startProxy) does not exist';
    return 'dist/src/proxy/main.js is missing: build the project first (`npm install` builds it, or `npm run build`)';
  }
  return undefined;
}

/** One proxy process on a bootstrap file; resolves once `probePort` answers through it. */
async function startSidecar({ dir, name, config, probePort, bodyBytes }) {
  const file = join(dir, `${name}-bootstrap.json`);
  writeFileSync(file, JSON.stringify(config, null, 2));
  const child = startProcess(process.execPath, [...(await proxyNodeFlags()), LAUNCHER, file], { outputFile: join(dir, `${name}.out`) });
  try {
    await waitForHttp(probePort, { child, expectBytes: bodyBytes, what: `the Skiff proxy (${name}, bootstrap ${file})` });
  } catch (e) {
    await stopProcess(child);
    throw e;
  }
  return child;
}

/** GET /stats/prometheus on each admin port: status and size, proving the stats were served. */
function metricsScraper(adminPorts) {
  return async () => {
    const out = {};
    for (const [name, port] of Object.entries(adminPorts)) {
      try {
        const res = await httpGet(port, '/stats/prometheus', 5000);
        out[name] = { status: res.status, bytes: res.bytes };
      } catch (e) {
        out[name] = { error: e.message };
      }
    }
    return out;
  };
}

/** `skiff`: one outbound sidecar in front of the upstream. */
export async function startSkiff({ dir, port, upstreamPort, bodyBytes }) {
  const adminPort = await freePort();
  const accessLog = join(dir, 'skiff-access.log');
  const config = outboundSidecar({ pod: 'bench-client', port, adminPort, target: [LOOPBACK, upstreamPort], accessLogPath: accessLog });
  const child = await startSidecar({ dir, name: 'skiff', config, probePort: port, bodyBytes });
  return {
    roots: [child],
    accessLogs: [accessLog],
    description: 'Skiff proxy, one outbound sidecar, file access log, admin/stats on',
    scrapeMetrics: metricsScraper({ sidecar: adminPort }),
    stop: () => stopProcess(child),
  };
}

/** `skiff2`: client sidecar → server sidecar → upstream; CPU and RSS are the two sidecars' sum. */
export async function startSkiff2({ dir, port, upstreamPort, bodyBytes }) {
  const [inboundPort, clientAdmin, serverAdmin] = [await freePort(), await freePort(), await freePort()];
  const serverLog = join(dir, 'skiff2-server-access.log');
  const clientLog = join(dir, 'skiff2-client-access.log');
  const server = await startSidecar({
    dir,
    name: 'skiff2-server',
    config: inboundSidecar({ pod: 'bench-server', port: inboundPort, adminPort: serverAdmin, app: [LOOPBACK, upstreamPort], accessLogPath: serverLog }),
    probePort: inboundPort,
    bodyBytes,
  });
  let client;
  try {
    client = await startSidecar({
      dir,
      name: 'skiff2-client',
      config: outboundSidecar({ pod: 'bench-client', port, adminPort: clientAdmin, target: [LOOPBACK, inboundPort], accessLogPath: clientLog }),
      probePort: port,
      bodyBytes,
    });
  } catch (e) {
    await stopProcess(server);
    throw e;
  }
  return {
    roots: [client, server],
    accessLogs: [clientLog, serverLog],
    description: 'Skiff proxy ×2: client outbound sidecar → server inbound sidecar (plain HTTP between them), access logs and stats on both',
    scrapeMetrics: metricsScraper({ client: clientAdmin, server: serverAdmin }),
    stop: () => Promise.all([stopProcess(client), stopProcess(server)]),
  };
}

/**
 * A sidecar with 1,000 services' clusters and virtual hosts loaded (plus the upstream's). Resolves
 * once it serves; `startupMs` is from spawn to the first good answer. Every 100th service is probed
 * by Host header, so the figure is for config that really routes.
 */
export async function startSkiffThousandServices({ dir, port, upstreamPort, bodyBytes, services = 1000 }) {
  const adminPort = await freePort();
  const accessLog = join(dir, 'skiff-1000-access.log');
  const config = outboundSidecar({
    pod: 'bench-client-1000',
    port,
    adminPort,
    target: [LOOPBACK, upstreamPort],
    accessLogPath: accessLog,
    extraServices: services,
  });
  const started = Date.now();
  const child = await startSidecar({ dir, name: 'skiff-1000', config, probePort: port, bodyBytes });
  const startupMs = Date.now() - started;
  for (let i = 0; i < services; i += 100) {
    const host = `svc-${i}.${BENCH_NAMESPACE}.svc.cluster.local`;
    const res = await httpGet(port, '/', 5000, { host });
    if (res.status !== 200 || res.bytes !== bodyBytes) {
      await stopProcess(child);
      throw new Error(`with ${services} services loaded, GET / Host: ${host} answered ${res.status} with ${res.bytes} bytes, expected 200 with ${bodyBytes}`);
    }
  }
  return { roots: [child], startupMs, stop: () => stopProcess(child) };
}
