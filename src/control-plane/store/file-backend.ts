// Makes store writes durable as one JSON file per resource:
//   <home>/store/<group or "core">/<Kind>/<namespace or "_cluster">/<name>.json
// plus `<home>/store/resource-version`, the counter as of the last deletion (creates and updates
// carry their version in the object itself; a deletion leaves no object behind to carry it).
import { join } from 'node:path';
import type { Resource } from '../../config/resource.js';
import { removeFileDurably, writeFileAtomic } from './atomic-file.js';
import { kindOf } from './object-meta.js';
import type { StoreBackend } from './resource-store.js';

export const RESOURCE_VERSION_FILE = 'resource-version';
const CLUSTER_SCOPE_DIR = '_cluster';

// Names are validated as DNS names before they get here; encoding still keeps any name inside its
// own directory (no `/`, no `..`).
function segment(s: string): string {
  const enc = encodeURIComponent(s);
  return enc === '.' || enc === '..' ? enc.replace(/\./g, '%2E') : enc;
}

/** The file that holds a resource, under the store root `<home>/store`. */
export function objectPath(root: string, obj: Resource): string {
  const info = kindOf(obj);
  if (!info) throw new Error(`cannot place ${obj.apiVersion}/${obj.kind} in the store: unknown kind`);
  const ns = info.namespaced ? segment(obj.metadata.namespace ?? '') : CLUSTER_SCOPE_DIR;
  return join(root, info.group || 'core', info.kind, ns, `${segment(obj.metadata.name)}.json`);
}

export class FileBackend implements StoreBackend {
  private readonly knownDirs = new Set<string>();

  /** `release` runs on close: it gives up the store directory's lock. */
  constructor(private readonly root: string, private readonly release: () => void = () => undefined) {}

  async write(obj: Resource): Promise<void> {
    await writeFileAtomic(objectPath(this.root, obj), `${JSON.stringify(obj, null, 2)}\n`, this.knownDirs);
  }

  async remove(objs: readonly Resource[], resourceVersion: number): Promise<void> {
    // The counter goes first: a crash part-way leaves some objects undeleted (the delete was not
    // acknowledged) but never lets a version be handed out twice.
    await writeFileAtomic(join(this.root, RESOURCE_VERSION_FILE), `${resourceVersion}\n`, this.knownDirs);
    // In the given order: a Namespace comes after its contents, so it outlives them in a crash.
    for (const obj of objs) await removeFileDurably(objectPath(this.root, obj));
  }

  async close(): Promise<void> {
    this.knownDirs.clear();
    this.release();
  }
}
