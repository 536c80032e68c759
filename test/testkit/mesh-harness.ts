// The whole mesh for end-to-end tests, as `skiff demo` runs it: control plane, local runtime with
// real sidecar processes, the ingress gateway on a free port, and (by default) Bookinfo installed
// and ready. One per test file: start it in `before`, stop it in `after`. Config changes wait until
// every proxy acknowledged the push they caused (the ADS server's sync status), not a fixed time.
//
// Sidecars run the compiled CLI (bin/skiff.js → dist/), so `npm run build` must have run first.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Resource } from '../../src/config/resource.js';
import { main } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';
import { applyFiles, BOOKINFO_MANIFESTS, enableInjection, waitReady } from '../../src/runtime/bookinfo-install.js';
import { isPodReady } from '../../src/runtime/deployment-controller.js';
import { containerLogFile } from '../../src/runtime/local-runtime.js';
import { startMesh, type Mesh } from '../../src/runtime/mesh.js';
import { createServer } from 'node:net';
import { parseAllDocuments } from 'yaml';
import { isPushKind } from '../../src/control-plane/model/push-builder.js';
import { httpCall, pageReviews, repeat, reviewsVersionOf, type HttpOptions, type HttpResult, type PageReviews } from './mesh-http.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface MeshHarnessOptions {
  /** Label `default` for injection and install Bookinfo with its gateway (default true). */
  bookinfo?: boolean;
  /** More manifests (paths relative to the repo) applied with Bookinfo, in `default`. */
  extraFiles?: string[];
  /** Pods expected besides Bookinfo's six and the ingress gateway, before the mesh counts as ready. */
  extraPods?: number;
}

/** The runtime's bookkeeping in a pod's status: its processes and where its sidecar listens. */
export interface PodRuntimeStatus {
  pids?: Record<string, number | undefined>;
  sidecar?: { outbound: number; admin: number };
  ports?: { containerPort: number; appPort: number; endpointPort: number }[];
}

export interface MeshHarness {
  mesh: Mesh;
  home: string;
  /** Where the ingress gateway serves its port-8080 (and port-80) listener. */
  ingressPort: number;
  /** GET (or `method`) through the ingress gateway. */
  gatewayGet(path: string, opts?: HttpOptions): Promise<HttpResult>;
  /** `skiff ARGS…` in-process against this mesh's control plane; `stdin` feeds `-f -`. */
  skiff(args: string[], stdin?: string): Promise<CliResult>;
  /** Creates or replaces the resources of `files` (repo-relative) and waits until every proxy has them. */
  apply(files: string[], namespace?: string): Promise<void>;
  /** `skiff apply -f -` with `yaml`, then waits until every proxy has the change. */
  applyYaml(yaml: string, namespace?: string): Promise<void>;
  /** `skiff delete KIND NAME`, then waits until every proxy has the change. */
  deleteConfig(kind: string, name: string, namespace?: string): Promise<void>;
  /**
   * Waits until every proxy acknowledged the config it was sent; with `since` (a push version),
   * first until a newer push was made.
   */
  waitForConfig(since?: string): Promise<void>;
  /** The version of the push proxies are being served. */
  pushVersion(): string | undefined;
  /** Signs in through the gateway as Bookinfo's login form does; returns the `session=…` cookie. */
  login(user: string): Promise<string>;
  /** Loads /productpage `n` times and reads which reviews version served each. */
  productPages(n: number, opts?: HttpOptions & { concurrency?: number }): Promise<PageReviews[]>;
  /** Loads /productpage `n` times: pages served by each reviews version, by star colour, and without reviews. */
  countVersions(n: number, opts?: HttpOptions & { concurrency?: number }): Promise<VersionCounts>;
  /** Calls the reviews API through the gateway `n` times; the version (v1|v2|v3) that answered each. */
  reviewsApiVersions(n: number, opts?: HttpOptions & { concurrency?: number }): Promise<(string | undefined)[]>;
  pods(namespace?: string): Resource[];
  /** The pods of a deployment (by the runtime's label). */
  podsOf(deployment: string, namespace?: string): Resource[];
  /** Waits until `deployment` has exactly `count` pods, all ready. */
  readyPods(deployment: string, count: number, namespace?: string, timeoutMs?: number): Promise<Resource[]>;
  /** A pod's sidecar access log so far. */
  sidecarLog(pod: Resource): Promise<string>;
  /** GET on a pod's sidecar admin server (`/stats/prometheus`, `/clusters`, …). */
  sidecarAdmin(pod: Resource, path: string): Promise<HttpResult>;
  /** Listeners some proxy (sidecar or gateway) failed to bind, as `pod: name::address ERROR …`. */
  listenerErrors(): Promise<string[]>;
  stop(): Promise<void>;
}

export interface VersionCounts {
  v1: number;
  v2: number;
  v3: number;
  black: number;
  red: number;
  /** Pages that showed the reviews error instead of reviews. */
  unavailable: number;
}

export const POD = { group: '', kind: 'Pod' };

const BOOKINFO_PODS = 6;

export async function until<T>(what: string, fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 30_000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * A free loopback port the kernel never hands out for port 0. The gateway binds the ingress port
 * only once its Gateway config arrives, many seconds after the mesh starts; a port from the
 * ephemeral range could meanwhile be given to a pod by the runtime's own allocations.
 */
async function listenerPortOutsideEphemeralRange(): Promise<number> {
  const range = await readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').catch(() => '32768 60999');
  const low = Number(range.trim().split(/\s+/)[0]) || 32768;
  const floor = Math.min(10_000, low - 1000);
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = floor + Math.floor(Math.random() * (low - floor));
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error(`no free port found below the ephemeral range (${range.trim()})`);
}

/**
 * Fails when a ready proxy could not bind one of its listeners. The runtime hands each pod ports
 * it found free and released; another process can take one before the proxy binds it, and the
 * pod still reports ready. Tests would then fail far from the cause, so it is named here.
 */
export async function assertListenersBound(h: MeshHarness): Promise<void> {
  const errors = await h.listenerErrors();
  if (errors.length > 0) throw new Error(`proxies report listeners they could not bind: a port the runtime assigned (src/runtime/ports.ts allocatePort binds port 0 and releases it) was taken by another process before the proxy bound it:\n${errors.join('\n')}`);
}

export function runtimeStatus(pod: Resource): PodRuntimeStatus {
  return (pod as { status?: { skiff?: PodRuntimeStatus } }).status?.skiff ?? {};
}

export async function startMeshHarness(opts: MeshHarnessOptions = {}): Promise<MeshHarness> {
  const home = await mkdtemp(join(tmpdir(), 'skiff-e2e-'));
  const ingressPort = await listenerPortOutsideEphemeralRange();
  const logs: string[] = [];
  let mesh: Mesh;
  try {
    mesh = await startMesh({ home, apiPort: 0, xdsPort: 0, ingressPort, profile: 'default', log: (m) => logs.push(m) });
  } catch (e) {
    await rm(home, { recursive: true, force: true });
    throw e;
  }
  const store = mesh.controlPlane.store;
  const ads = mesh.controlPlane.ads;
  if (!ads) throw new Error('the control plane started without its xDS server');

  const pushVersion = () => ads.current()?.version;

  /** With `since`, first waits for a push newer than it; then until every proxy acknowledged what it was sent. */
  const waitForConfig = async (since?: string) => {
    // Changes written a moment apart can land in two debounced pushes; the first one being
    // acknowledged says nothing of the second. Flushing builds the pending push now, with every
    // change written so far, so the wait below covers all of them.
    mesh.controlPlane.pushes?.flush();
    if (since !== undefined) await until(`a push after version ${since}`, () => pushVersion() !== since, 30_000, 50);
    await until('every proxy to acknowledge its config', () => {
      if (ads.pushInProgress()) return false;
      return ads.syncStatus().every((s) => s.xds.every((t) => t.state === 'SYNCED' || t.state === 'NOT SENT'));
    }, 30_000, 50);
  };

  const skiff = async (args: string[], stdin = ''): Promise<CliResult> => {
    let stdout = '';
    let stderr = '';
    const io: CliIO = {
      stdout: { write: (s: string) => { stdout += s; return true; } },
      stderr: { write: (s: string) => { stderr += s; return true; } },
      // PATH so `exec` finds curl, as in a user's shell.
      env: { SKIFF_HOME: home, PATH: process.env.PATH ?? '' },
      readStdin: async () => stdin,
      waitForShutdown: () => new Promise(() => undefined),
    };
    const code = await main(['node', 'skiff', '--server', mesh.controlPlane.apiUrl, ...args], io);
    return { code, stdout, stderr };
  };

  const gatewayGet = (path: string, o?: HttpOptions) => httpCall(ingressPort, path, o);

  const pods = (namespace = 'default') => store.list(POD, namespace);
  const podsOf = (deployment: string, namespace = 'default') => pods(namespace).filter((p) => p.metadata.labels?.['skiff.io/deployment'] === deployment);

  const harness: MeshHarness = {
    mesh, home, ingressPort, gatewayGet, skiff, waitForConfig, pushVersion, pods, podsOf,
    async apply(files, namespace = 'default') {
      const since = pushVersion();
      const before = Number(store.resourceVersion());
      const applied = await applyFiles(store, files, namespace);
      // The store keeps an object whose content did not change, and then no push follows.
      const changed = applied.filter((r) => Number(r.metadata.resourceVersion) > before);
      await waitForConfig(changed.some(isPushKind) ? since : undefined);
    },
    async applyYaml(yaml, namespace = 'default') {
      const since = pushVersion();
      const r = await skiff(['-n', namespace, 'apply', '-f', '-'], yaml);
      if (r.code !== 0) throw new Error(`skiff apply failed (${r.code}): ${r.stderr}${r.stdout}`);
      // Only a changed object of a kind the push reads makes a new push.
      const changed = r.stdout.split('\n').filter((l) => l !== '' && !l.endsWith(' unchanged')).length > 0;
      const pushes = parseAllDocuments(yaml).some((d) => { const o = d.toJS() as Resource | null; return o !== null && isPushKind(o); });
      await waitForConfig(changed && pushes ? since : undefined);
    },
    async deleteConfig(kind, name, namespace = 'default') {
      const since = pushVersion();
      const r = await skiff(['-n', namespace, 'delete', kind, name]);
      if (r.code !== 0) throw new Error(`skiff delete ${kind} ${name} failed (${r.code}): ${r.stderr}`);
      await waitForConfig(since);
    },
    async login(user) {
      const r = await gatewayGet('/login', {
        method: 'POST', body: `username=${encodeURIComponent(user)}&passwd=password`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      const setCookie = ([] as string[]).concat(r.headers['set-cookie'] ?? []);
      const session = setCookie.map((c) => /^(session=[^;]+)/.exec(c)?.[1]).find(Boolean);
      if (r.status !== 302 || !session) throw new Error(`login as ${user}: got ${r.status} with set-cookie ${JSON.stringify(setCookie)}`);
      return session;
    },
    async productPages(n, o = {}) {
      return repeat(n, o.concurrency ?? 4, async () => {
        const r = await gatewayGet('/productpage', o);
        if (r.status !== 200) throw new Error(`/productpage answered ${r.status}: ${r.body.slice(0, 200)}`);
        return pageReviews(r.body);
      });
    },
    async countVersions(n, o = {}) {
      const counts: VersionCounts = { v1: 0, v2: 0, v3: 0, black: 0, red: 0, unavailable: 0 };
      for (const p of await harness.productPages(n, o)) {
        if (p.version === 'v1' || p.version === 'v2' || p.version === 'v3') counts[p.version]++;
        if (p.stars) counts[p.stars]++;
        if (p.reviewsUnavailable) counts.unavailable++;
      }
      return counts;
    },
    async reviewsApiVersions(n, o = {}) {
      return repeat(n, o.concurrency ?? 6, async () => {
        const r = await gatewayGet('/api/v1/products/0/reviews', o);
        if (r.status !== 200) throw new Error(`/api/v1/products/0/reviews answered ${r.status}: ${r.body.slice(0, 200)}`);
        return reviewsVersionOf((JSON.parse(r.body) as { podname?: string }).podname);
      });
    },
    readyPods(deployment, count, namespace = 'default', timeoutMs = 60_000) {
      return until(`${count} ready pod(s) of ${deployment}`, () => {
        const mine = podsOf(deployment, namespace);
        return mine.length === count && mine.every(isPodReady) ? mine : undefined;
      }, timeoutMs);
    },
    async sidecarLog(pod) {
      return readFile(containerLogFile(home, pod.metadata.namespace ?? 'default', pod.metadata.name, 'istio-proxy'), 'utf8').catch(() => '');
    },
    async sidecarAdmin(pod, path) {
      const admin = runtimeStatus(pod).sidecar?.admin;
      if (!admin) throw new Error(`pod ${pod.metadata.name} has no sidecar admin port in its status`);
      return httpCall(admin, path);
    },
    async listenerErrors() {
      const all = [...pods('default'), ...pods('istio-system'), ...store.list(POD).filter((p) => !['default', 'istio-system'].includes(p.metadata.namespace ?? ''))];
      const errors = await Promise.all(all.filter((p) => runtimeStatus(p).sidecar?.admin).map(async (p) => {
        const r = await httpCall(runtimeStatus(p).sidecar!.admin, '/listeners').catch((e: Error) => ({ status: 0, body: `admin unreachable: ${e.message} ERROR` }));
        return r.body.split('\n').filter((l) => l.includes(' ERROR ')).map((l) => `${p.metadata.namespace}/${p.metadata.name}: ${l}`);
      }));
      return errors.flat();
    },
    async stop() {
      await mesh.stop();
      if (process.env.SKIFF_E2E_KEEP) process.stderr.write(`kept ${home}\n`);
      else await rm(home, { recursive: true, force: true });
    },
  };

  try {
    if (opts.bookinfo ?? true) {
      await enableInjection(store, 'default');
      await applyFiles(store, [...BOOKINFO_MANIFESTS, ...(opts.extraFiles ?? [])]);
      await waitReady(mesh, ['default', 'istio-system'], BOOKINFO_PODS + 1 + (opts.extraPods ?? 0), 180_000);
      // Ready pods and synced proxies: the first page may still race the gateway's first routes.
      await until('the product page through the gateway', async () => (await gatewayGet('/productpage').catch(() => undefined))?.status === 200, 30_000);
      await assertListenersBound(harness);
    } else {
      await waitReady(mesh, ['istio-system'], 1, 120_000);
    }
  } catch (e) {
    await harness.stop();
    throw new Error(`${(e as Error).message}\nmesh log:\n${logs.slice(-30).join('\n')}`);
  }
  return harness;
}
