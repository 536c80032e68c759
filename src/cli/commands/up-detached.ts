// `skiff up --detach`: the same `skiff up` in a background process (its output in
// `<home>/logs/skiff-up.log`); this command returns once the control plane answers.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandContext } from '../context.js';
import { cliError } from '../cli-error.js';
import type { UpFlags } from './up.js';

export async function runDetached(ctx: CommandContext, flags: UpFlags): Promise<number> {
  const endpoints = join(ctx.home, 'run', 'endpoints.json');
  if (existsSync(endpoints)) {
    const running = readRunning(endpoints);
    if (running && isAlive(running.pid)) throw cliError(`a mesh is already running (pid ${running.pid}, ${running.api}); stop it with \`skiff down\``);
    rmSync(endpoints, { force: true });
  }
  mkdirSync(join(ctx.home, 'logs'), { recursive: true });
  const logFile = join(ctx.home, 'logs', 'skiff-up.log');
  const out = openSync(logFile, 'a');
  const { skiffBin } = await import('../../runtime/proxy-launch.js');
  const args = [skiffBin(), '--home', ctx.home, 'up', '--api-port', String(flags.apiPort), '--xds-port', String(flags.xdsPort), '--profile', flags.profile, '--host', flags.host];
  if (flags.ingressPort !== undefined) args.push('--ingress-port', String(flags.ingressPort));
  if (flags.filename) args.push('-f', flags.filename);
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', out, out], env: ctx.io.env as NodeJS.ProcessEnv });
  let exited: number | null | undefined;
  child.once('exit', (code) => { exited = code; });
  child.unref();
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const running = readRunning(endpoints);
    if (running && running.pid === child.pid) {
      ctx.io.stdout.write(`Skiff is up in the background (pid ${child.pid})\n  control plane API  ${running.api}\n  logs               ${logFile}\nStop it with: skiff down\n`);
      return 0;
    }
    if (exited !== undefined) throw cliError(`skiff up exited with code ${exited} before it was ready; see ${logFile}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw cliError(`skiff up did not become ready within 60 s; see ${logFile}`);
}

export function readRunning(endpoints: string): { pid: number; api: string } | undefined {
  try {
    const parsed = JSON.parse(readFileSync(endpoints, 'utf8')) as { pid?: unknown; api?: unknown };
    return typeof parsed.pid === 'number' && typeof parsed.api === 'string' ? { pid: parsed.pid, api: parsed.api } : undefined;
  } catch {
    return undefined;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
