// The control plane's composition root (istiod's role): opens the config store in the state dir,
// serves the API, and records where it listens in `<home>/run/endpoints.json` so the CLI finds a
// control plane started on any port. The xDS server, registry and CA join here as they arrive.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConfigStore } from './store/config-store.js';
import { writeFileAtomic } from './store/atomic-file.js';
import { openPersistentStore } from './store/persistent-store.js';
import { startApiServer } from './server/api-server.js';

export interface ControlPlaneOptions {
  /** The state dir (`$SKIFF_HOME`, by default `~/.skiff`). */
  home: string;
  /** The HTTP API port; 15014 by default, 0 for any free port. */
  apiPort?: number;
  /** The address to listen on; 127.0.0.1 by default. */
  host?: string;
  log?: (message: string) => void;
}

export interface ControlPlane {
  /** The port the API actually listens on (useful with apiPort 0). */
  apiPort: number;
  /** `http://127.0.0.1:PORT` */
  apiUrl: string;
  store: ConfigStore;
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
  const file = endpointsFile(options.home);
  try {
    await writeFileAtomic(file, `${JSON.stringify({ pid: process.pid, api: api.url }, null, 2)}\n`);
  } catch (e) {
    await api.close();
    await store.close();
    throw e;
  }

  let closing: Promise<void> | undefined;
  return {
    apiPort: api.port,
    apiUrl: api.url,
    store,
    close() {
      closing ??= (async () => {
        // endpoints.json goes first: a CLI must not find an address that no longer answers.
        await rm(file, { force: true });
        await api.close();
        await store.close();
      })();
      return closing;
    },
  };
}
