// `skiff logs POD|deploy/NAME [CONTAINER] [-c CONTAINER] [-f] [--tail N]`: a container's output,
// read from the control plane's pod log API as kubectl reads the Kubernetes API's.
import type { Command } from 'commander';
import { action, type CommandDeps } from '../command-support.js';
import { cliError } from '../cli-error.js';
import type { CommandContext } from '../context.js';
import { parseGoDuration } from '../runtime/go-duration.js';
import { streamPodLog } from '../runtime/pod-log-stream.js';
import { POD_INFO, defaultContainer, resolvePod } from '../runtime/pod-target.js';
import { toCliError } from '../server-errors.js';

interface LogsFlags {
  container?: string;
  follow?: boolean;
  tail: string;
  limitBytes?: string;
  podRunningTimeout: string;
}

export function registerLogs(program: Command, deps: CommandDeps): void {
  program.command('logs')
    .description('Print the logs for a container in a pod')
    .argument('<pod>', 'POD, pod/POD, deploy/NAME or svc/NAME (its first pod)')
    .argument('[container]', 'the container (same as -c)')
    .option('-c, --container <name>', 'print the logs of this container (istio-proxy for the sidecar)')
    .option('-f, --follow', 'keep streaming the log as it grows')
    .option('--tail <lines>', 'lines of recent log to show; -1 shows all', '-1')
    .option('--limit-bytes <bytes>', 'maximum bytes of log to return')
    .option('--pod-running-timeout <duration>', 'how long to wait for a pod of a deployment to be running', '20s')
    .action(action(deps, async (ctx, cmd) => runLogs(ctx, cmd.processedArgs[0] as string, cmd.processedArgs[1] as string | undefined, cmd.opts<LogsFlags>())));
}

function integerFlag(text: string, flag: string, min: number): number {
  if (!/^-?\d+$/.test(text) || Number(text) < min) throw cliError(`invalid argument "${text}" for "${flag}" flag: expected an integer >= ${min}`);
  return Number(text);
}

async function runLogs(ctx: CommandContext, target: string, positionalContainer: string | undefined, flags: LogsFlags): Promise<number> {
  if (flags.container !== undefined && positionalContainer !== undefined && flags.container !== positionalContainer) {
    throw cliError(`only one of -c or an inline [CONTAINER] arg is allowed`);
  }
  const tail = integerFlag(flags.tail, '--tail', -1);
  const limitBytes = flags.limitBytes === undefined ? undefined : integerFlag(flags.limitBytes, '--limit-bytes', 1);
  const { pod, candidates } = await resolvePod(ctx, target, parseGoDuration(flags.podRunningTimeout, '--pod-running-timeout'));
  if (candidates > 1) ctx.io.stderr.write(`Found ${candidates} pods, using pod/${pod.metadata.name}\n`);
  // With no default (several app containers), the server names the choices, as Kubernetes' does.
  const container = flags.container ?? positionalContainer ?? defaultContainer(pod);
  const abort = new AbortController();
  const stream = streamPodLog(ctx.serverUrl(), {
    namespace: pod.metadata.namespace ?? ctx.namespace, pod: pod.metadata.name, container,
    follow: flags.follow ?? false, tailLines: tail < 0 ? undefined : tail, limitBytes,
  }, (text) => ctx.io.stdout.write(text), abort.signal);
  // Following ends when the user interrupts (or the server ends the stream: the pod went away).
  if (flags.follow) void ctx.io.waitForShutdown().then(() => abort.abort());
  try {
    await stream;
  } catch (e) {
    throw toCliError(e, { info: POD_INFO, name: pod.metadata.name, op: 'get' });
  }
  return 0;
}
