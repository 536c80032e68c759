// The local config store: in memory for reads, every write made durable in the state dir before it
// is acknowledged (see file-backend.ts for the layout, file-load.ts for recovery after a crash).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { FileBackend } from './file-backend.js';
import { loadStoreDir } from './file-load.js';
import { ResourceStore, type ResourceStoreOptions } from './resource-store.js';
import { lockStoreDir } from './store-lock.js';

export interface PersistentStoreOptions extends Omit<ResourceStoreOptions, 'backend' | 'initial' | 'resourceVersion'> {
  /** The state dir (`$SKIFF_HOME`); resources live in `<home>/store`. */
  home: string;
}

/**
 * Opens (creating on first use) the store in `<home>/store`, taking its lock: one control plane per
 * state dir. The first start creates the `default` and `istio-system` namespaces; `default` is
 * recreated whenever it is missing, as Kubernetes does.
 */
export async function openPersistentStore(options: PersistentStoreOptions): Promise<ResourceStore> {
  const log = options.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const root = join(options.home, 'store');
  mkdirSync(root, { recursive: true, mode: 0o700 });
  const lock = lockStoreDir(root);
  let store: ResourceStore;
  let fresh: boolean;
  try {
    const loaded = loadStoreDir(root, log);
    // Nothing stored and no version ever handed out: a first start, even if a crash interrupted one.
    fresh = loaded.objects.length === 0 && loaded.resourceVersion === 0;
    store = new ResourceStore({
      ...options, log, backend: new FileBackend(root, () => lock.release()),
      initial: loaded.objects, resourceVersion: loaded.resourceVersion,
    });
  } catch (e) {
    lock.release();
    throw e;
  }
  try {
    await store.ensureNamespaces(fresh ? ['default', 'istio-system'] : ['default']);
  } catch (e) {
    await store.close();
    throw e;
  }
  return store;
}
