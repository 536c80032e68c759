// Reads the persisted store at startup. A temp file is a write that was never acknowledged, so it is
// removed. A file that does not hold a well-formed resource (a torn write on a filesystem that
// broke its promises, a hand edit gone wrong) is never dropped in silence: it is reported with its
// path and moved aside to `<file>.corrupt` for the user to inspect.
import { existsSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Resource } from '../../config/resource.js';
import { TEMP_MARKER } from './atomic-file.js';
import { objectPath, RESOURCE_VERSION_FILE } from './file-backend.js';
import { kindOf } from './object-meta.js';

export interface LoadedStore {
  objects: Resource[];
  /** The highest resourceVersion seen: in an object or in the counter file. */
  resourceVersion: number;
}

export const CORRUPT_SUFFIX = '.corrupt';

export function loadStoreDir(root: string, log: (message: string) => void): LoadedStore {
  const objects: Resource[] = [];
  let resourceVersion = 0;
  for (const file of walk(root)) {
    const rel = relative(root, file);
    if (file.includes(TEMP_MARKER)) {
      unlinkSync(file);
      log(`config store: removed ${file}, an unfinished write from a crash (it was never acknowledged)`);
      continue;
    }
    if (rel === RESOURCE_VERSION_FILE) {
      const text = readFileSync(file, 'utf8').trim();
      if (/^\d+$/.test(text)) resourceVersion = Math.max(resourceVersion, Number(text));
      else quarantine(file, `expected a resourceVersion number, found ${JSON.stringify(text.slice(0, 40))}`, log);
      continue;
    }
    if (!file.endsWith('.json')) continue;
    const problem = checkFile(root, file);
    if (typeof problem === 'string') {
      quarantine(file, problem, log);
      continue;
    }
    objects.push(problem);
    resourceVersion = Math.max(resourceVersion, Number(problem.metadata.resourceVersion));
  }
  return { objects, resourceVersion };
}

/** The resource in a file, or what is wrong with it. */
function checkFile(root: string, file: string): Resource | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    return `not valid JSON (${(e as Error).message})`;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return 'not a JSON object';
  const r = parsed as Resource;
  const meta = r.metadata as Resource['metadata'] | undefined;
  if (!kindOf(r)) return `unknown apiVersion/kind ${String(r.apiVersion)}/${String(r.kind)}`;
  if (typeof meta !== 'object' || meta === null || typeof meta.name !== 'string' || meta.name === '') return 'metadata.name is missing';
  if (typeof meta.uid !== 'string' || meta.uid === '') return 'metadata.uid is missing';
  if (typeof meta.resourceVersion !== 'string' || !/^\d+$/.test(meta.resourceVersion)) return 'metadata.resourceVersion is missing or not a number';
  if (kindOf(r)!.namespaced && typeof meta.namespace !== 'string') return 'metadata.namespace is missing';
  // One path per resource key, so a file in its own place cannot duplicate another.
  const expected = objectPath(root, r);
  if (expected !== file) return `it holds ${r.kind} ${meta.namespace ? `${meta.namespace}/` : ''}${meta.name}, which belongs in ${expected}`;
  return r;
}

function quarantine(file: string, reason: string, log: (message: string) => void): void {
  let target = `${file}${CORRUPT_SUFFIX}`;
  if (existsSync(target)) target = `${file}${CORRUPT_SUFFIX}-${Date.now()}`;
  renameSync(file, target);
  log(`config store: ${file} is corrupt: ${reason}; it was not loaded and has been moved to ${target}`);
}

function* walk(dir: string): Generator<string> {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  for (const name of names.sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* walk(p);
    else yield p;
  }
}
