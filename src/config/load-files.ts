// Reads what `-f` names: a file, a directory (recursively, *.yaml|*.yml|*.json) or `-` for stdin.
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConfigError } from './errors.js';
import { loadYaml, type LoadedResource } from './yaml-loader.js';

const CONFIG_FILE_RE = /\.(ya?ml|json)$/i;

export async function loadPaths(paths: readonly string[], opts: { recursive?: boolean; stdin?: () => Promise<string> } = {}): Promise<{ resources: LoadedResource[]; errors: ConfigError[] }> {
  const resources: LoadedResource[] = [];
  const errors: ConfigError[] = [];
  for (const p of paths) {
    if (p === '-') {
      const text = await (opts.stdin ?? readStdin)();
      const r = loadYaml(text, '<stdin>');
      resources.push(...r.resources);
      errors.push(...r.errors);
      continue;
    }
    let files: string[];
    try {
      files = await expand(p, opts.recursive ?? true, true);
    } catch (e) {
      errors.push({ file: p, path: '', message: (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message });
      continue;
    }
    for (const f of files) {
      const text = await readFile(f, 'utf8');
      const r = loadYaml(text, f);
      resources.push(...r.resources);
      errors.push(...r.errors);
    }
  }
  return { resources, errors };
}

async function expand(path: string, recursive: boolean, top: boolean): Promise<string[]> {
  const st = await stat(path);
  if (!st.isDirectory()) return [path];
  if (!top && !recursive) return [];
  const names = (await readdir(path)).sort();
  const out: string[] = [];
  for (const name of names) {
    const full = join(path, name);
    const s = await stat(full);
    if (s.isDirectory()) out.push(...(recursive ? await expand(full, recursive, false) : []));
    else if (CONFIG_FILE_RE.test(name)) out.push(full);
  }
  return out;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
