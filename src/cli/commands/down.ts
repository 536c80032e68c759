// `skiff down`: stops the mesh a `skiff up` (detached or not) runs for this state dir: SIGTERM,
// then waits until every pod, sidecar and gateway is stopped and the control plane has exited.
import type { Command } from 'commander';
import { join } from 'node:path';
import { action, type CommandDeps } from '../command-support.js';
import type { CommandContext } from '../context.js';
import { cliError } from '../cli-error.js';
import { isAlive, readRunning } from './up-detached.js';

export function registerDown(program: Command, deps: CommandDeps): void {
  program.command('down')
    .description('Stop the mesh that `skiff up` runs for this state directory')
    .option('--timeout <seconds>', 'how long to wait for everything to stop', '60')
    .action(action(deps, async (ctx, cmd) => runDown(ctx, Number(cmd.opts<{ timeout: string }>().timeout))));
}

async function runDown(ctx: CommandContext, timeoutS: number): Promise<number> {
  if (!Number.isFinite(timeoutS) || timeoutS <= 0) throw cliError('--timeout must be a positive number of seconds');
  const running = readRunning(join(ctx.home, 'run', 'endpoints.json'));
  if (!running || !isAlive(running.pid)) throw cliError(`no running mesh for ${ctx.home} (start one with \`skiff up\`)`);
  process.kill(running.pid, 'SIGTERM');
  const deadline = Date.now() + timeoutS * 1000;
  while (isAlive(running.pid)) {
    if (Date.now() > deadline) throw cliError(`the mesh (pid ${running.pid}) did not stop within ${timeoutS} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
  ctx.io.stdout.write(`Skiff stopped (pid ${running.pid}).\n`);
  return 0;
}
