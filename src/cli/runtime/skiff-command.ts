// How to start this same CLI as a child process: this Node, plus the entry point beside this file
// (compiled `cli-entry.js`, or `cli-entry.ts` through the tsx loader when running from source).
import { fileURLToPath } from 'node:url';

export interface ProcessCommand {
  command: string;
  args: string[];
}

export function skiffCommand(): ProcessCommand {
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = fileURLToPath(new URL(`./cli-entry.${fromSource ? 'ts' : 'js'}`, import.meta.url));
  // The loader is resolved from here, so the child finds it whatever its working directory.
  const loader = fromSource ? ['--import', import.meta.resolve('tsx')] : [];
  return { command: process.execPath, args: [...loader, entry] };
}
