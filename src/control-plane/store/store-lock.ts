// One control plane per state dir: two writers would each believe their memory is the truth and
// overwrite each other's files. The lock is a file holding the owner's pid; a lock left by a
// process that is gone (kill -9, power loss) is taken over.
import { openSync, readFileSync, unlinkSync, writeFileSync, closeSync, fsyncSync } from 'node:fs';
import { join } from 'node:path';

const LOCK_FILE = '.lock';
/** Stores opened by this process, by root: the pid alone cannot tell two of them apart. */
const heldHere = new Set<string>();

export interface StoreLock {
  release(): void;
}

export function lockStoreDir(root: string): StoreLock {
  const path = join(root, LOCK_FILE);
  if (heldHere.has(root)) throw new Error(`the config store in ${root} is already open in this process`);
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      try {
        writeFileSync(fd, `${process.pid}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw e;
      const owner = Number(readFileSync(path, 'utf8').trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner)) {
        throw new Error(`the config store in ${root} is in use by another control plane (pid ${owner}); stop it first, or use another state dir (SKIFF_HOME)`);
      }
      unlinkSync(path);
    }
  }
  heldHere.add(root);
  return {
    release() {
      heldHere.delete(root);
      try {
        unlinkSync(path);
      } catch {
        // Already gone: nothing to release.
      }
    },
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
