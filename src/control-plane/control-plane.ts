// The control plane's composition root (istiod's role): opens the config store in the state dir,
// serves the API, builds push contexts from config and workloads and serves them over ADS, and
// records where it listens in `<home>/run/endpoints.json` so the CLI finds a control plane
// started on any port.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConfigStore } from './store/config-store.js';
import { writeFileAtomic } from './store/atomic-file.js';
import { openPersistentStore } from './store/persistent-store.js';
import { startApiServer, type RequestHandler } from './server/api-server.js';
import { AdsServer } from './server/ads-server.js';
import { mountDebug } from './server/debug-server.js';
import { PushContextBuilder } from './model/push-builder.js';
import type { PushContext } from './model/push-context.js';
import type { MeshConfig } from './model/mesh-config.js';
import type { WorkloadSource } from './registry/workload.js';
import { PilotXdsGenerator, type PilotProxyState } from './translate/xds-generator.js';

export interface ControlPlaneOptions {
  /** The state dir (`$SKIFF_HOME`, by default `~/.skiff`). */
  home: string;
  /** The HTTP API port; 15014 by default, 0 for any free port. */
  apiPort?: number;
  /** The address to listen on; 127.0.0.1 by default. */
  host?: string;
  /**
   * The ADS (xDS gRPC) port; 15010 by default (any free port when apiPort is 0, so tests that ask
   * for free ports get them throughout), 0 for any free port, null to serve no xDS.
   */
  xdsPort?: number | null;
  /** Where workload instances come from (the local runtime, Kubernetes); none by default. */
  workloads?: WorkloadSource;
  mesh?: Partial<MeshConfig>;
  /** How long config changes are gathered into one push (Istio's debounce, 100 ms). */
  debounceMs?: number;
  log?: (message: string) => void;
}

export interface ControlPlane {
  /** The port the API actually listens on (useful with apiPort 0). */
  apiPort: number;
  /** `http://127.0.0.1:PORT` */
  apiUrl: string;
  store: ConfigStore;
  /** The ADS port (undefined when xDS is off). */
  xdsPort?: number;
  ads?: AdsServer<PushContext, PilotProxyState>;
  pushes?: PushContextBuilder;
  /** Serves extra paths on the API port (`/debug/`, `/metrics`). */
  mount(prefix: string, handler: RequestHandler): void;
  /** Stops serving, waits for pending writes, removes endpoints.json. Safe to call twice. */
  close(): Promise<void>;
}

/** `<home>/run/endpoints.json`: `{ pid, api }` of the running control plane. */
export function endpointsFile(home: string): string {
  return join(home, 'run', 'endpoints.json');
}

export async function startControlPlane(options: ControlPlaneOptions): Promise<ControlPlane> {
  const log = options.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const store = await openPersistentStore({ home: options.home, log });
  let api;
  try {
    api = await startApiServer({ store, host: options.host, port: options.apiPort, log, logRoot: join(options.home, 'logs') });
  } catch (e) {
    await store.close();
    throw e;
  }
  let ads: AdsServer<PushContext, PilotProxyState> | undefined;
  let pushes: PushContextBuilder | undefined;
  let xdsPort: number | undefined;
  const file = endpointsFile(options.home);
  try {
    if (options.xdsPort !== null) {
      pushes = new PushContextBuilder({ store, workloads: options.workloads, mesh: options.mesh, debounceMs: options.debounceMs, onError: (e) => log(`push failed: ${e.message}`) });
      ads = new AdsServer<PushContext, PilotProxyState>({ generator: new PilotXdsGenerator(), host: options.host, port: options.xdsPort ?? (options.apiPort === 0 ? 0 : 15010), log: (level, message) => { if (level !== 'debug' && level !== 'info') log(`xds ${level}: ${message}`); } });
      xdsPort = await ads.start();
      const first = pushes.start();
      ads.push(first, { full: true, reasons: new Set(['config']), configsUpdated: new Set(), workloadsUpdated: new Set() });
      const server = ads;
      pushes.subscribe((push, request) => server.push(push, request));
      mountDebug((prefix, handler) => api.mount(prefix, handler), { ads, store, pushes });
    }
    const endpoints = { pid: process.pid, api: api.url, ...(xdsPort !== undefined ? { xds: `${options.host ?? '127.0.0.1'}:${xdsPort}` } : {}) };
    await writeFileAtomic(file, `${JSON.stringify(endpoints, null, 2)}\n`);
  } catch (e) {
    pushes?.stop();
    await ads?.stop();
    await api.close();
    await store.close();
    throw e;
  }

  let closing: Promise<void> | undefined;
  return {
    apiPort: api.port,
    apiUrl: api.url,
    store,
    xdsPort,
    ads,
    pushes,
    mount: (prefix, handler) => api.mount(prefix, handler),
    close() {
      closing ??= (async () => {
        // endpoints.json goes first: a CLI must not find an address that no longer answers.
        await rm(file, { force: true });
        pushes?.stop();
        await ads?.stop();
        await api.close();
        await store.close();
      })();
      return closing;
    },
  };
}
