// Every process and temp dir a benchmark starts is registered here, so that a normal end, an error,
// Ctrl-C or SIGTERM all stop the same set: nothing outlives `npm run bench`.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, chmodSync, openSync, closeSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';

const children = new Set();
const tempDirs = new Set();
let handlersInstalled = false;
let stopping = false;

/** True once Ctrl-C or SIGTERM arrived: results after that are partial and are not printed. */
export function interrupted() {
  return stopping;
}

/** Logs go to stderr: stdout is reserved for the result (`--json` prints exactly one object). */
export function log(message) {
  process.stderr.write(`bench: ${message}\n`);
}

function installHandlers() {
  if (handlersInstalled) return;
  handlersInstalled = true;
  // A synchronous last resort: 'exit' handlers cannot await, so they SIGKILL what is left.
  process.on('exit', () => {
    for (const child of children) killGroup(child, 'SIGKILL');
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(signal, () => {
      stopping = true;
      log(`${signal}: stopping every process the benchmark started`);
      cleanup().finally(() => process.exit(130));
    });
  }
}

function killGroup(child, signal) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  try {
    // Children run in their own process group (detached), so this reaches nginx's workers too.
    process.kill(-child.pid, signal);
  } catch {
    try { child.kill(signal); } catch { /* already gone */ }
  }
}

/** A fresh temp dir, removed on exit. World-readable so nginx workers (user nobody) can read files in it. */
export function makeTempDir(prefix = 'skiff-bench-') {
  installHandlers();
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o755);
  tempDirs.add(dir);
  return dir;
}

/**
 * Starts a process in its own process group. With `outputFile`, its stdout and stderr go straight
 * to that file (no pipe through this process, which would cost CPU during a measurement; a
 * proxy's access log may be its stdout); otherwise they are piped and the last 64 KB kept.
 */
export function startProcess(command, args, { outputFile, env, cwd } = {}) {
  installHandlers();
  let fd;
  if (outputFile) fd = openSync(outputFile, 'a');
  const child = spawn(command, args, {
    cwd,
    env: env ?? process.env,
    detached: true,
    stdio: fd === undefined ? ['ignore', 'pipe', 'pipe'] : ['ignore', fd, fd],
  });
  if (fd !== undefined) closeSync(fd);
  children.add(child);
  child.outputFile = outputFile;
  child.kept = '';
  child.on('exit', () => children.delete(child));
  child.on('error', (e) => {
    child.spawnError = e;
    children.delete(child);
  });
  if (fd === undefined) {
    const keep = (chunk) => {
      child.kept = (child.kept + chunk.toString()).slice(-65536);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
  }
  return child;
}

/** What a process printed (its output file's tail, or the kept pipe output). */
export function processOutput(child, max = 4096) {
  if (child.outputFile) {
    try {
      const text = readFileSync(child.outputFile, 'utf8');
      return text.slice(-max);
    } catch {
      return '';
    }
  }
  return child.kept.slice(-max);
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
export async function stopProcess(child, graceMs = 3000) {
  if (!child || child.exitCode !== null || child.signalCode !== null || child.spawnError) return;
  const exited = once(child, 'exit');
  killGroup(child, 'SIGTERM');
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
  // The leader may exit before the rest of its group (nginx's workers); make sure they go too.
  killGroup(child, 'SIGKILL');
}

/** Stops every registered process and removes every temp dir. */
export async function cleanup() {
  await Promise.all([...children].map((c) => stopProcess(c)));
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

/** Runs a command to completion, collecting stdout and stderr. */
export async function runToEnd(command, args, { env, timeoutMs = 600_000, onStdoutLine } = {}) {
  const child = startProcess(command, args, { env });
  let stdout = '';
  let stderr = '';
  let pending = '';
  child.stdout.on('data', (chunk) => {
    const text = chunk.toString();
    stdout += text;
    if (onStdoutLine) {
      pending += text;
      let nl;
      while ((nl = pending.indexOf('\n')) >= 0) {
        onStdoutLine(pending.slice(0, nl));
        pending = pending.slice(nl + 1);
      }
    }
  });
  child.stderr.on('data', (chunk) => { stderr += chunk.toString(); });
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), timeoutMs);
  const [code, signal] = await new Promise((resolve) => {
    child.once('error', (e) => resolve([null, e.message]));
    child.once('close', (c, s) => resolve([c, s]));
  });
  clearTimeout(timer);
  return { code, signal, stdout, stderr };
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
