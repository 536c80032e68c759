// One mesh per test: Skiff's control plane in-process on free loopback ports, echo backends
// registered as workloads, and gRPC channels resolved by gRPC's own xDS client
// (@grpc/grpc-js-xds) with a bootstrap of their own pointing at our ADS server. The channels live
// in a client process (xds-client-process.ts) shared by a test file's meshes: grpc-js-xds never
// shuts down an xDS client, so only ending that process releases everything it holds.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import type { Resource } from '../../src/config/resource.js';
import { startControlPlane, type ControlPlane } from '../../src/control-plane/control-plane.js';
import { MemoryWorkloadSource } from '../../src/control-plane/registry/workload.js';
import { isStoreError } from '../../src/control-plane/store/store-error.js';
import { NAMESPACE, SERVICE, SERVICE_PORT, TARGET } from './conformance-resources.js';
import { startEchoBackend, type EchoBackend, type EchoResponse } from './echo-backend.js';
import type { CallOptions, ClientReply, ClientRequest, TimedResult } from './xds-client-process.js';

export type { CallOptions, TimedResult } from './xds-client-process.js';

/** Channel ids are unique per process, across the meshes sharing a client process. */
let nextChannel = 1;

/** Node id and metadata as Istio's agent writes a proxyless gRPC bootstrap. */
export const CLIENT_NODE_ID = `sidecar~127.0.0.1~client-1.${NAMESPACE}~${NAMESPACE}.svc.cluster.local`;

type Distribute<T> = T extends unknown ? Omit<T, 'id'> : never;

/**
 * The gRPC client process, started on first use (under tsx as well as compiled: it inherits
 * execArgv). A test file makes one and stops it when all its tests are done.
 */
export class XdsClientProcess {
  private child: ChildProcess | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  private start(): ChildProcess {
    const here = fileURLToPath(import.meta.url);
    const entry = join(here, '..', `xds-client-process${extname(here)}`);
    const child = fork(entry, [], { execArgv: process.execArgv, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    child.on('message', (reply: ClientReply) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if (reply.error !== undefined) p.reject(new Error(`gRPC client process: ${reply.error}`));
      else p.resolve(reply.value);
    });
    const failAll = (why: string) => {
      for (const p of this.pending.values()) p.reject(new Error(`gRPC client process ${why}`));
      this.pending.clear();
    };
    child.on('error', (e) => failAll(`failed: ${e.message}`));
    child.on('exit', (code, signal) => failAll(`exited (${signal ?? code})`));
    return child;
  }

  request(req: Distribute<ClientRequest>): Promise<unknown> {
    this.child ??= this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child!.send({ ...req, id } as ClientRequest);
    });
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  }
}

/** A gRPC channel to an `xds:///` target, calling echo.proto methods by path. */
export class EchoChannel {
  constructor(private readonly client: XdsClientProcess, private readonly id: number) {}

  /** `count` calls, at most `concurrency` in flight; results in completion order, never throwing for an RPC error. */
  async many(count: number, path: string, options: CallOptions = {}, concurrency = 25): Promise<TimedResult[]> {
    return await this.client.request({ op: 'calls', channel: this.id, path, count, concurrency, options }) as TimedResult[];
  }

  async timed(path: string, options: CallOptions = {}): Promise<TimedResult> {
    return (await this.many(1, path, options, 1))[0]!;
  }

  /** One call; an RPC error is thrown with its gRPC `code`. */
  async call(path: string, options: CallOptions = {}): Promise<EchoResponse> {
    const r = await this.timed(path, options);
    if (r.error) throw Object.assign(new Error(`${grpc.status[r.error.code]}: ${r.error.details}`), r.error);
    return r.response!;
  }
}

export interface ConformanceMesh {
  readonly controlPlane: ControlPlane;
  readonly workloads: MemoryWorkloadSource;
  /** Control plane warnings (NACKs, generator failures). */
  readonly warnings: string[];
  /** Starts an echo backend and registers it as a workload with `app: <service>` and these labels. */
  addBackend(name: string, labels?: Record<string, string>, service?: string): Promise<EchoBackend>;
  /** Takes a workload out of the registry; its server keeps running (and would still answer). */
  removeWorkload(name: string): void;
  /** Creates or updates resources; with `flush` (default) pushes at once instead of after the debounce. */
  apply(resources: readonly Resource[], options?: { flush?: boolean }): Promise<void>;
  channel(target?: string): Promise<EchoChannel>;
  /** What connected gRPC clients NACKed, per type (none expected: their rejection means our resources are wrong). */
  nacks(): string[];
  close(): Promise<void>;
}

export async function startConformanceMesh(client: XdsClientProcess): Promise<ConformanceMesh> {
  const home = await mkdtemp(join(tmpdir(), 'skiff-conformance-'));
  const warnings: string[] = [];
  const workloads = new MemoryWorkloadSource();
  let controlPlane: ControlPlane;
  try {
    controlPlane = await startControlPlane({ home, apiPort: 0, xdsPort: 0, workloads, debounceMs: 20, log: (m) => warnings.push(m) });
  } catch (e) {
    await rm(home, { recursive: true, force: true });
    throw e;
  }
  const backends = new Map<string, EchoBackend>();
  const channels: number[] = [];
  const bootstrap = {
    xds_servers: [{ server_uri: `127.0.0.1:${controlPlane.xdsPort}`, channel_creds: [{ type: 'insecure' }], server_features: ['xds_v3'] }],
    node: { id: CLIENT_NODE_ID, locality: {}, metadata: { GENERATOR: 'grpc', NAMESPACE } },
  };
  return {
    controlPlane,
    workloads,
    warnings,
    async addBackend(name, labels = {}, service = SERVICE) {
      const backend = await startEchoBackend(name);
      backends.set(name, backend);
      workloads.upsert({
        name, namespace: NAMESPACE, address: '127.0.0.1', healthy: true,
        ports: [{ name: 'grpc', port: SERVICE_PORT, endpointPort: backend.port }],
        labels: { app: service, ...labels },
      });
      return backend;
    },
    removeWorkload(name) {
      if (!workloads.remove(NAMESPACE, name)) throw new Error(`no workload ${name} to remove`);
    },
    async apply(resources, options = {}) {
      for (const r of resources) {
        try {
          await controlPlane.store.create(r);
        } catch (e) {
          if (!isStoreError(e) || e.reason !== 'AlreadyExists') throw e;
          await controlPlane.store.update(r);
        }
      }
      if (options.flush ?? true) controlPlane.pushes!.flush();
    },
    async channel(target = TARGET) {
      const id = nextChannel++;
      await client.request({ op: 'open', channel: id, target, bootstrap });
      channels.push(id);
      return new EchoChannel(client, id);
    },
    nacks() {
      return controlPlane.ads!.syncStatus().flatMap((p) => p.xds.filter((x) => x.lastNack).map((x) => `${x.type}: ${x.lastNack!.message}`));
    },
    async close() {
      // The control plane goes first: a client that unsubscribes from a live ADS server can be
      // left with an unread stream that holds the server's graceful shutdown for its full grace.
      await controlPlane.close();
      await Promise.all(channels.map((id) => client.request({ op: 'close', channel: id })));
      await Promise.all([...backends.values()].map((b) => b.close()));
      await rm(home, { recursive: true, force: true });
    },
  };
}

/** Responses counted by the backend that answered; failed calls under `error:<CODE>`. */
export function countByBackend(results: readonly TimedResult[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of results) {
    const key = r.response ? r.response.backend : `error:${grpc.status[r.error!.code]}`;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

/**
 * Half-width of the interval a share of `n` Bernoulli(p) trials stays in with overwhelming
 * probability: `sigmas` standard deviations (5σ: about one failure in 1.7 million runs).
 */
export function shareTolerance(n: number, p: number, sigmas = 5): number {
  return sigmas * Math.sqrt((p * (1 - p)) / n);
}
