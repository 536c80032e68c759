// `skiff up`: runs the mesh in the foreground until Ctrl-C (SIGINT) or SIGTERM, then stops it
// cleanly: the control plane (config store, API, xDS), the local runtime with every pod and its
// sidecar, and the profile's gateways.
import type { Command } from 'commander';
import { action, type CommandDeps } from '../command-support.js';
import type { CommandContext } from '../context.js';
import { cliError } from '../cli-error.js';
import { colorsFor } from '../colors.js';
import { readInstallConfig } from '../install-config.js';
import { runDetached } from './up-detached.js';

interface UpFlags {
  apiPort: number;
  xdsPort: number;
  ingressPort?: number;
  profile: string;
  host: string;
  filename?: string;
  detach?: boolean;
  /** meshConfig from `-f`, resolved before the mesh starts. */
  mesh?: Record<string, unknown>;
}

export type { UpFlags };

export const UP_PROFILES = ['default', 'demo', 'minimal', 'empty'];

export function registerUp(program: Command, deps: CommandDeps): void {
  program.command('up')
    .description('Run the Skiff mesh in the foreground (Ctrl-C stops it)')
    .option('--api-port <port>', 'control plane HTTP API port (0 picks a free one)', parsePort, 15014)
    .option('--xds-port <port>', 'xDS (ADS gRPC) port (0 picks a free one)', parsePort, 15010)
    .option('--ingress-port <port>', 'where the ingress gateway serves its port 8080 listener', parsePort)
    .option('--profile <name>', `installation profile: ${UP_PROFILES.join(', ')}`, 'default')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('-f, --filename <file>', 'an IstioOperator (as for istioctl install -f): its profile and meshConfig')
    .option('-d, --detach', 'start the mesh in the background and return; `skiff down` stops it')
    .action(action(deps, async (ctx, cmd) => {
      const flags = cmd.opts<UpFlags>();
      if (flags.filename) {
        const install = await readInstallConfig(flags.filename);
        // The file's profile applies unless --profile was given on the command line.
        if (install.profile && cmd.getOptionValueSource('profile') !== 'cli') flags.profile = install.profile;
        flags.mesh = install.mesh;
      }
      return flags.detach ? runDetached(ctx, flags) : runUp(ctx, flags);
    }));
}

export function parsePort(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n > 65535) throw cliError(`invalid port "${v}": expected a number between 0 and 65535`);
  return n;
}

async function runUp(ctx: CommandContext, flags: UpFlags): Promise<number> {
  const c = colorsFor(ctx.io.stdout, ctx.io.env);
  // Listen for Ctrl-C before anything starts: a signal during startup still stops cleanly.
  const shutdown = ctx.io.waitForShutdown();
  const mesh = await startMeshFor(ctx, flags);
  ctx.io.stdout.write(`${c.bold('Skiff is up')}\n`);
  printEndpoints(ctx, mesh, flags);
  ctx.io.stdout.write(`Press Ctrl-C to stop.\n`);
  const signal = await shutdown;
  ctx.io.stdout.write(`${signal}: stopping\n`);
  await mesh.stop();
  ctx.io.stdout.write('Skiff stopped.\n');
  return 0;
}

export type RunningMesh = Awaited<ReturnType<typeof import('../../runtime/mesh.js').startMesh>>;

/** Starts the mesh for `up` and `demo`, turning address clashes into errors that say what to do. */
export async function startMeshFor(ctx: CommandContext, flags: UpFlags): Promise<RunningMesh> {
  if (!UP_PROFILES.includes(flags.profile)) throw cliError(`unknown profile "${flags.profile}": expected one of ${UP_PROFILES.join(', ')}`);
  const log = (m: string) => ctx.io.stderr.write(`${m}\n`);
  // Loaded here, not at startup: the control plane and runtime are the heaviest part of Skiff,
  // and every other verb is a short-lived client that never needs them.
  const { startMesh } = await import('../../runtime/mesh.js');
  try {
    return await startMesh({
      home: ctx.home, host: flags.host, apiPort: flags.apiPort, xdsPort: flags.xdsPort,
      ingressPort: flags.ingressPort, profile: flags.profile as 'default', log,
      // Istio's demo profile turns on access logs to stdout; a file's meshConfig says otherwise.
      mesh: { ...(flags.profile === 'demo' ? { accessLogFile: '/dev/stdout' } : {}), ...(flags.mesh ?? {}) },
    });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { details?: string };
    const text = `${err.message ?? ''} ${err.details ?? ''}`;
    if (err.code === 'EADDRINUSE' || /EADDRINUSE|address already in use|No address added/i.test(text)) {
      throw cliError(`cannot listen on ${flags.host}: a port is in use (API ${flags.apiPort}, xDS ${flags.xdsPort}); is another \`skiff up\` running? choose others with --api-port and --xds-port`);
    }
    if (err.code === 'EADDRNOTAVAIL') throw cliError(`cannot listen on ${flags.host}: no such local address`);
    throw e;
  }
}

function printEndpoints(ctx: CommandContext, mesh: RunningMesh, flags: UpFlags): void {
  ctx.io.stdout.write(`  control plane API  ${mesh.controlPlane.apiUrl}\n`);
  ctx.io.stdout.write(`  xDS                ${mesh.xdsAddress}\n`);
  if (flags.profile === 'default' || flags.profile === 'demo') ctx.io.stdout.write(`  ingress gateway    http://127.0.0.1:${flags.ingressPort ?? 8080}\n`);
  ctx.io.stdout.write(`  state              ${ctx.home}\n`);
}
