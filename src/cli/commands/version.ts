// `skiff version`: the client's version and, when a control plane answers, its `/version`.
import type { Command } from 'commander';
import { UnreachableError } from '../client/api-errors.js';
import { action, type CommandDeps } from '../command-support.js';
import type { CommandContext } from '../context.js';
import { cliError } from '../cli-error.js';
import { toJson, toYaml } from '../printers/object-printer.js';
import { clientVersion } from '../version-info.js';

interface VersionFlags {
  short?: boolean;
  client?: boolean;
  output?: string;
}

export function registerVersion(program: Command, deps: CommandDeps): void {
  program.command('version')
    .description('Print the client and control plane versions')
    .option('--short', 'print only the client version number')
    .option('--client', 'print the client version only; do not contact the control plane')
    .option('-o, --output <format>', 'json|yaml')
    .action(action(deps, async (ctx, cmd) => runVersion(ctx, cmd.opts<VersionFlags>())));
}

async function runVersion(ctx: CommandContext, flags: VersionFlags): Promise<number> {
  if (flags.output !== undefined && flags.output !== 'json' && flags.output !== 'yaml') {
    throw cliError(`--output must be 'yaml' or 'json'`);
  }
  const client = clientVersion();
  if (flags.short) {
    ctx.io.stdout.write(`${client}\n`);
    return 0;
  }
  let server: Record<string, unknown> | undefined;
  let unreachable: string | undefined;
  if (!flags.client) {
    try {
      server = await ctx.client().version();
    } catch (e) {
      if (!(e instanceof UnreachableError)) throw e;
      unreachable = e.message;
    }
  }
  if (flags.output) {
    const doc = { clientVersion: { version: client }, ...(server ? { serverVersion: server } : {}) };
    ctx.io.stdout.write(flags.output === 'json' ? toJson(doc) : toYaml(doc));
  } else {
    ctx.io.stdout.write(`client version: ${client}\n`);
    if (server) ctx.io.stdout.write(`control plane version: ${serverVersionText(server)}\n`);
  }
  if (unreachable) ctx.io.stderr.write(`note: ${unreachable}\n`);
  return 0;
}

function serverVersionText(doc: Record<string, unknown>): string {
  for (const key of ['version', 'gitVersion']) if (typeof doc[key] === 'string') return doc[key] as string;
  return JSON.stringify(doc);
}
