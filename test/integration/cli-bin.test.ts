// The installed command: bin/skiff.js (the compiled CLI) as a user runs it — `skiff version`, and
// `skiff up` in the foreground with `skiff apply` from another process, stopped by Ctrl-C (SIGINT).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../testkit/repo-root.js';
import { fixture } from './cli-harness.js';

const root = repoRoot();
const bin = join(root, 'bin', 'skiff.js');
const run = promisify(execFile);

function requireBuild(): void {
  assert.ok(existsSync(join(root, 'dist', 'src', 'cli', 'main.js')), 'bin/skiff.js runs the compiled CLI: run `npm run build` first');
}

async function skiff(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { env: { ...process.env, ...env }, timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

test('skiff version runs from bin/skiff.js', async () => {
  requireBuild();
  const res = await skiff(['version', '--client'], {});
  assert.equal(res.code, 0, res.stderr);
  assert.match(res.stdout, /^client version: \d+\.\d+\.\d+\n$/);
  const bad = await skiff(['frobnicate'], {});
  assert.equal(bad.code, 1);
  assert.equal(bad.stderr, "error: unknown command 'frobnicate'\n");
});

test('skiff up serves until SIGINT; skiff apply finds it through the state dir', async (t) => {
  requireBuild();
  const home = await mkdtemp(join(tmpdir(), 'skiff-bin-'));
  t.after(() => rm(home, { recursive: true, force: true }));
  const env = { SKIFF_HOME: home };
  const up = spawn(process.execPath, [bin, 'up', '--api-port', '0'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => { if (up.exitCode === null && up.signalCode === null) up.kill('SIGKILL'); });
  let out = '';
  up.stdout.setEncoding('utf8');
  up.stderr.setEncoding('utf8');
  let err = '';
  up.stderr.on('data', (s: string) => { err += s; });
  const exited = new Promise<number | null>((resolve) => up.on('exit', (code) => resolve(code)));
  const api = await new Promise<string>((resolve, reject) => {
    up.stdout.on('data', (s: string) => {
      out += s;
      const m = /control plane API\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    up.on('exit', (code) => reject(new Error(`skiff up exited (${code}) before serving: ${err}`)));
  });

  const applied = await skiff(['apply', '-f', fixture('bookinfo', 'networking', 'virtual-service-reviews-90-10.yaml')], env);
  assert.equal(applied.code, 0, applied.stderr);
  assert.equal(applied.stdout, 'virtualservice.networking.istio.io/reviews created\n');
  const got = await skiff(['get', 'vs', '-o', 'name'], env);
  assert.equal(got.stdout, 'virtualservice.networking.istio.io/reviews\n');

  up.kill('SIGINT');
  assert.equal(await exited, 0, err);
  assert.match(out, /SIGINT: stopping\nSkiff stopped\.\n$/);
  assert.equal(existsSync(join(home, 'run', 'endpoints.json')), false, 'endpoints.json is removed on shutdown');
  const after = await skiff(['get', 'vs'], { ...env, SKIFF_SERVER: api });
  assert.deepEqual([after.code, after.stderr], [1, `error: cannot reach the Skiff control plane at ${api} (is \`skiff up\` running?)\n`]);
});
