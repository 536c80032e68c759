// Crash-safe file writes: write a temp file beside the target, fsync it, rename it over the target,
// fsync the directory. After a crash the target holds either the old or the new content, never a
// mix; a leftover temp file is an unacknowledged write, which the loader removes.
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Marks temp files, so the loader can tell them from stored objects. */
export const TEMP_MARKER = '.tmp-';

export async function writeFileAtomic(path: string, data: string, knownDirs?: Set<string>): Promise<void> {
  await ensureDir(dirname(path), knownDirs);
  const tmp = `${path}${TEMP_MARKER}${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    const fh = await open(tmp, 'w', 0o600);
    try {
      await fh.writeFile(data, 'utf8');
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  await syncDir(dirname(path));
}

/** Removes a file (absent is fine) and makes the removal durable. */
export async function removeFileDurably(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    return;
  }
  await syncDir(dirname(path));
}

/**
 * Creates a directory and makes each new directory entry durable, so a file written inside it
 * cannot vanish with its parent after a power loss. `knownDirs` caches directories that exist.
 */
export async function ensureDir(dir: string, knownDirs?: Set<string>): Promise<void> {
  if (knownDirs?.has(dir)) return;
  const first = await mkdir(dir, { recursive: true, mode: 0o700 });
  if (first !== undefined) {
    // mkdir returns the top-most directory it created; every parent from there down gained an entry.
    let d = dir;
    for (;;) {
      await syncDir(dirname(d));
      if (d === first || d === dirname(d)) break;
      d = dirname(d);
    }
  }
  knownDirs?.add(dir);
}

async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
