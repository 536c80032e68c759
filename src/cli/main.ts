// The `skiff` command: istioctl plus the kubectl verbs, against the Skiff control plane.
// `main` takes argv (process.argv form) and its IO, and returns the exit code, so tests run it
// in-process; bin/skiff.js calls it with the real process.
import { Command, CommanderError, Option } from 'commander';
import { UnreachableError } from './client/api-errors.js';
import { CliError } from './cli-error.js';
import type { CommandDeps } from './command-support.js';
import { ContextHolder, DEFAULT_NAMESPACE } from './context.js';
import { processIO, type CliIO } from './io.js';
import { clientVersion } from './version-info.js';
import { registerAnnotate } from './commands/annotate.js';
import { registerApply } from './commands/apply.js';
import { registerCreate } from './commands/create.js';
import { registerDelete } from './commands/delete.js';
import { registerEdit } from './commands/edit.js';
import { registerGet } from './commands/get.js';
import { registerLabel } from './commands/label.js';
import { registerReplace } from './commands/replace.js';
import { registerValidate } from './commands/validate.js';
import { registerVersion } from './commands/version.js';
import { registerAnalyze } from './commands/analyze.js';
import { registerUp } from './commands/up.js';
import { registerProxy } from './commands/proxy.js';
import { registerDemo } from './commands/demo.js';
import { registerDown } from './commands/down.js';
import { registerLogs } from './commands/logs.js';
import { registerExec } from './commands/exec.js';
import { registerScale } from './commands/scale.js';
import { registerRollout } from './commands/rollout.js';
import { registerLoad } from './commands/load.js';
import { registerProxyStatus } from './commands/proxy-status.js';
import { registerProxyConfig } from './commands/proxy-config.js';
import { registerXRoute } from './commands/x-route.js';

export function buildProgram(io: CliIO, deps: CommandDeps): Command {
  const program = new Command('skiff')
    .description('Skiff: the Istio service mesh on one machine. Istio\'s YAML, kubectl\'s verbs.')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) => write(s),
    })
    .showSuggestionAfterError()
    .version(clientVersion(), '--version', 'print the client version')
    .addOption(new Option('--server <url>', 'control plane API address (env SKIFF_SERVER; default: from <home>/run/endpoints.json, else http://127.0.0.1:15014)'))
    .addOption(new Option('--home <dir>', 'Skiff state directory (env SKIFF_HOME; default ~/.skiff)'))
    .addOption(new Option('-n, --namespace <namespace>', 'namespace to act in').default(DEFAULT_NAMESPACE))
    .addOption(new Option('-A, --all-namespaces', 'list across all namespaces'));

  registerUp(program, deps);
  registerDown(program, deps);
  registerDemo(program, deps);
  registerProxy(program, deps);
  registerApply(program, deps);
  registerCreate(program, deps);
  registerReplace(program, deps);
  registerDelete(program, deps);
  registerGet(program, deps);
  registerLabel(program, deps);
  registerAnnotate(program, deps);
  registerEdit(program, deps);
  registerValidate(program, deps);
  registerVersion(program, deps);
  registerAnalyze(program, deps);
  registerLogs(program, deps);
  registerExec(program, deps);
  registerScale(program, deps);
  registerRollout(program, deps);
  registerLoad(program, deps);
  registerProxyStatus(program, deps);
  registerProxyConfig(program, deps);
  registerXRoute(program, deps);
  return program;
}

export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  const contexts = new ContextHolder(io);
  let exitCode = 0;
  const program = buildProgram(io, { contexts, setExitCode: (code) => { exitCode = code; } });
  try {
    // Bare `skiff` is a request for help, as bare `kubectl` is: on stdout, exit 0.
    if (argv.length <= 2) {
      io.stdout.write(program.helpInformation());
      return 0;
    }
    await program.parseAsync(argv, { from: 'node' });
    return exitCode;
  } catch (e) {
    return report(e, io);
  } finally {
    await contexts.close();
  }
}

function report(e: unknown, io: CliIO): number {
  // Commander has already printed its own message (unknown option, missing argument, help).
  if (e instanceof CommanderError) return e.exitCode;
  if (e instanceof CliError) {
    io.stderr.write(`${e.text}\n`);
    return e.exitCode;
  }
  if (e instanceof UnreachableError) {
    io.stderr.write(`error: ${e.message}\n`);
    return 1;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  io.stderr.write(`error: ${err.message}\n`);
  if (io.env.SKIFF_DEBUG) io.stderr.write(`${err.stack ?? ''}\n`);
  return 1;
}
