// `skiff up`: runs the mesh in the foreground until Ctrl-C (SIGINT) or SIGTERM, then stops it
// cleanly. Today that is the control plane (config store + API); the local runtime, xDS server and
// gateways join here, so `up` stays the one command that runs everything.
import type { Command } from 'commander';
import { action, type CommandDeps } from '../command-support.js';
import type { CommandContext } from '../context.js';
import { cliError } from '../cli-error.js';
import { colorsFor } from '../colors.js';

interface UpFlags {
  apiPort: number;
  host: string;
}

export function registerUp(program: Command, deps: CommandDeps): void {
  program.command('up')
    .description('Run the Skiff mesh in the foreground (Ctrl-C stops it)')
    .option('--api-port <port>', 'control plane HTTP API port (0 picks a free one)', parsePort, 15014)
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .action(action(deps, async (ctx, cmd) => runUp(ctx, cmd.opts<UpFlags>())));
}

function parsePort(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n > 65535) throw cliError(`invalid port "${v}": expected a number between 0 and 65535`);
  return n;
}

async function runUp(ctx: CommandContext, flags: UpFlags): Promise<number> {
  const c = colorsFor(ctx.io.stdout, ctx.io.env);
  const log = (m: string) => ctx.io.stderr.write(`${m}\n`);
  // Listen for Ctrl-C before anything starts: a signal during startup still stops cleanly.
  const shutdown = ctx.io.waitForShutdown();
  // Loaded here, not at startup: the control plane (and soon xDS and the runtime) is the heaviest
  // part of Skiff, and every other verb is a short-lived client that never needs it.
  const { startControlPlane } = await import('../../control-plane/control-plane.js');
  let controlPlane;
  try {
    controlPlane = await startControlPlane({ home: ctx.home, apiPort: flags.apiPort, host: flags.host, log });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE') throw cliError(`cannot listen on ${flags.host}:${flags.apiPort}: the address is in use (is another \`skiff up\` running? choose another with --api-port)`);
    if (err.code === 'EADDRNOTAVAIL') throw cliError(`cannot listen on ${flags.host}: no such local address`);
    throw e;
  }
  ctx.io.stdout.write(`${c.bold('Skiff is up')}\n`);
  ctx.io.stdout.write(`  control plane API  ${controlPlane.apiUrl}\n`);
  ctx.io.stdout.write(`  state              ${ctx.home}\n`);
  ctx.io.stdout.write(`Press Ctrl-C to stop.\n`);
  const signal = await shutdown;
  ctx.io.stdout.write(`${signal}: stopping\n`);
  await controlPlane.close();
  ctx.io.stdout.write('Skiff stopped.\n');
  return 0;
}
