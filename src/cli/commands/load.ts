// `skiff load [fortio load flags] URL`: fortio's load generator as Istio's tasks use it
// (`fortio load -c 2 -qps 0 -n 20 -loglevel Warning URL`), usually run inside a pod with
// `skiff exec deploy/fortio -- skiff load …` so the calls go through that pod's sidecar.
// fortio's single-dash long flags are not commander's style, so everything after `load` is taken
// from the raw command line and parsed by parseLoadArgs.
import type { Command } from 'commander';
import { action, type CommandDeps } from '../command-support.js';
import { cliError } from '../cli-error.js';
import type { CommandContext } from '../context.js';
import { parseLoadArgs, type LoadOptions } from '../load/load-options.js';
import { formatLoadReport } from '../load/load-report.js';
import { runLoad } from '../load/load-runner.js';
import { runCurl } from '../runtime/load-curl.js';
import { clientVersion } from '../version-info.js';

/** Global options that take a value, so their value is not mistaken for the verb. */
const GLOBAL_WITH_VALUE = new Set(['--server', '--home', '-n', '--namespace']);

export function registerLoad(program: Command, deps: CommandDeps): void {
  program.command('load')
    .description('Generate HTTP load and report latencies and status codes, as fortio load does')
    .usage('[-c CONNECTIONS] [-qps QPS] [-n CALLS | -t DURATION] [-H "Name: value"] [-X METHOD] [-timeout D] [-loglevel LEVEL] [-curl] URL')
    .argument('[flags-and-url...]', "fortio's flags, then the URL")
    .allowUnknownOption()
    .helpOption(false)
    .action(action(deps, async (ctx, cmd) => runLoadVerb(ctx, argsAfterVerb(cmd))));
}

/** The untouched arguments after `load` (commander would read fortio's `-n` as --namespace). */
function argsAfterVerb(cmd: Command): string[] {
  let root = cmd;
  while (root.parent) root = root.parent;
  // commander keeps the argv it parsed as `rawArgs` (untyped in its declarations).
  const raw = (root as unknown as { rawArgs: string[] }).rawArgs.slice(2);
  for (let i = 0; i < raw.length; i++) {
    const a = raw[i]!;
    if (GLOBAL_WITH_VALUE.has(a)) i++;
    else if (!a.startsWith('-')) return a === cmd.name() ? raw.slice(i + 1) : [];
  }
  return [];
}

async function runLoadVerb(ctx: CommandContext, args: string[]): Promise<number> {
  let opts: LoadOptions;
  try {
    opts = parseLoadArgs(args);
  } catch (e) {
    throw cliError((e as Error).message);
  }
  if (opts.curl) return runCurl(ctx.io, opts);
  const result = await runLoad(opts, ctx.io.env, (msg) => ctx.io.stderr.write(`${clock()} W ${msg}\n`));
  ctx.io.stdout.write(formatLoadReport(opts, result, clientVersion()));
  return 0;
}

/** fortio's log timestamp: the local wall clock, `15:04:05`. */
function clock(): string {
  const d = new Date();
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}
