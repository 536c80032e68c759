// Runs `skiff` in-process against a control plane started in-process on a free port, with output
// captured, so CLI tests read exactly what a user would see.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { main } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';
import { startControlPlane } from '../../src/control-plane/control-plane.js';
import { repoRoot } from '../testkit/repo-root.js';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  stdin?: string;
  env?: Record<string, string>;
}

export type Run = (args: string[], opts?: RunOptions) => Promise<RunResult>;

export const FIXTURES = join(repoRoot(), 'test', 'fixtures');

export function fixture(...parts: string[]): string {
  return join(FIXTURES, ...parts);
}

/** `skiff …` with SKIFF_HOME set to `home`; the server is found through <home>/run/endpoints.json. */
export function runner(home: string): Run {
  return async (args, opts = {}) => {
    let stdout = '';
    let stderr = '';
    const io: CliIO = {
      stdout: { write: (s: string) => { stdout += s; return true; } },
      stderr: { write: (s: string) => { stderr += s; return true; } },
      env: { SKIFF_HOME: home, ...opts.env },
      readStdin: async () => opts.stdin ?? '',
      waitForShutdown: () => new Promise(() => {}),
    };
    const code = await main(['node', 'skiff', ...args], io);
    return { code, stdout, stderr };
  };
}

/** A fresh state dir and a control plane on a free port, both gone when the test ends. */
export async function startMesh(t: TestContext): Promise<{ home: string; api: string; run: Run }> {
  const home = await mkdtemp(join(tmpdir(), 'skiff-cli-'));
  const controlPlane = await startControlPlane({ home, apiPort: 0, log: () => {} });
  t.after(async () => {
    await controlPlane.close();
    await rm(home, { recursive: true, force: true });
  });
  return { home, api: controlPlane.apiUrl, run: runner(home) };
}

/** The AGE column depends on the clock: rows end with it, so it is masked as `<age>`. */
export function maskAge(table: string): string {
  return table.replace(/ (\d+[smhdy])+$/gm, ' <age>');
}
