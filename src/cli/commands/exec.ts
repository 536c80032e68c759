// `skiff exec POD|deploy/NAME [-c CONTAINER] [-i] -- COMMAND [ARGS…]`: runs a command as a process of
// that pod would run: the container's environment and, in an injected pod, the sidecar as its HTTP
// proxy, so `skiff exec deploy/sleep -- curl http://productpage:9080/productpage` goes through the
// mesh. `skiff` as the command is this same CLI (`skiff exec deploy/fortio -- skiff load …`).
import type { Command } from 'commander';
import { action, type CommandDeps } from '../command-support.js';
import { CliError, cliError } from '../cli-error.js';
import type { CommandContext } from '../context.js';
import { runAttached } from '../runtime/attached-process.js';
import { parseGoDuration } from '../runtime/go-duration.js';
import { podExecEnv } from '../runtime/pod-exec-env.js';
import { containerNames, defaultContainer, resolvePod, type PodView } from '../runtime/pod-target.js';
import { skiffCommand } from '../runtime/skiff-command.js';

interface ExecFlags {
  container?: string;
  stdin?: boolean;
  tty?: boolean;
  podRunningTimeout: string;
}

export function registerExec(program: Command, deps: CommandDeps): void {
  program.command('exec')
    .description('Execute a command as a container of a pod would run it (through its sidecar when injected)')
    .usage('POD|TYPE/NAME [-c CONTAINER] [-i] -- COMMAND [args...]')
    .argument('<pod>', 'POD, pod/POD, deploy/NAME or svc/NAME (its first running pod)')
    .argument('[command...]', 'the command and its arguments, after --')
    .option('-c, --container <name>', 'the container whose environment the command gets (default: the app container)')
    .option('-i, --stdin', 'pass stdin to the command')
    .option('-t, --tty', 'stdin is a TTY (the command shares this terminal)')
    .option('--pod-running-timeout <duration>', 'how long to wait for a pod of a deployment to be running', '1m0s')
    .action(action(deps, async (ctx, cmd) => runExec(ctx, cmd.processedArgs[0] as string, cmd.processedArgs[1] as string[], cmd.opts<ExecFlags>())));
}

/** The container to run as: named, annotated default, the only app container, else the first (said on stderr). */
function chooseContainer(ctx: CommandContext, pod: PodView, requested: string | undefined): string {
  const names = containerNames(pod);
  if (requested !== undefined) {
    if (!names.includes(requested)) throw new CliError(`Error from server (BadRequest): container ${requested} is not valid for pod ${pod.metadata.name}`);
    return requested;
  }
  const chosen = defaultContainer(pod) ?? names[0];
  if (chosen === undefined) throw cliError(`pod ${pod.metadata.name} does not have a container`);
  if (defaultContainer(pod) === undefined) ctx.io.stderr.write(`Defaulted container "${chosen}" out of: ${names.join(', ')}\n`);
  return chosen;
}

async function runExec(ctx: CommandContext, target: string, argv: string[], flags: ExecFlags): Promise<number> {
  if (argv.length === 0) throw cliError('you must specify at least one command for the container');
  const { pod } = await resolvePod(ctx, target, parseGoDuration(flags.podRunningTimeout, '--pod-running-timeout'));
  const container = chooseContainer(ctx, pod, flags.container);
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') throw cliError(`cannot exec into a container in a completed pod; current phase is ${phase}`);
  const state = pod.status?.containerStatuses?.find((s) => s.name === container)?.state;
  if (phase !== 'Running' || !state?.running) throw cliError(`unable to upgrade connection: container not found ("${container}")`);

  const env = podExecEnv(pod, container, ctx.io.env);
  let [command, ...args] = argv as [string, ...string[]];
  if (command === 'skiff') {
    const self = skiffCommand();
    command = self.command;
    args = [...self.args, ...args];
    // The inner skiff talks to the same mesh as this one, whatever flags found it.
    Object.assign(env, { SKIFF_HOME: ctx.home, SKIFF_SERVER: ctx.serverUrl() });
  }
  const code = await runAttached(ctx.io, { command, args, env, stdin: flags.stdin ?? false });
  if (code !== 0) ctx.io.stderr.write(`command terminated with exit code ${code}\n`);
  return code;
}
