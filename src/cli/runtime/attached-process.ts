// Runs a command attached to the CLI's terminal, as `kubectl exec` attaches to a container: output
// straight through, stdin only when asked (-i), Ctrl-C and SIGTERM passed on, and the command's
// exit status returned. When the CLI runs with captured IO (tests), output is piped into it instead.
import { spawn, type StdioOptions } from 'node:child_process';
import { constants } from 'node:os';
import { cliError } from '../cli-error.js';
import type { CliIO } from '../io.js';

export interface AttachedCommand {
  command: string;
  args: string[];
  env: Record<string, string>;
  /** Pass the CLI's stdin to the command (kubectl exec -i). */
  stdin: boolean;
}

/** The command's exit code; 128 + the signal number when a signal ended it, as shells report. */
export async function runAttached(io: CliIO, cmd: AttachedCommand): Promise<number> {
  const inherit = io.stdout === process.stdout && io.stderr === process.stderr;
  const stdio: StdioOptions = inherit ? [cmd.stdin ? 'inherit' : 'ignore', 'inherit', 'inherit'] : [cmd.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'];
  const child = spawn(cmd.command, cmd.args, { env: cmd.env, stdio });
  if (!inherit) {
    child.stdout?.setEncoding('utf8').on('data', (s: string) => io.stdout.write(s));
    child.stderr?.setEncoding('utf8').on('data', (s: string) => io.stderr.write(s));
    if (child.stdin) {
      child.stdin.on('error', () => undefined);
      child.stdin.end(await io.readStdin());
    }
  }
  let finished = false;
  void io.waitForShutdown().then((signal) => {
    if (!finished) child.kill(signal as NodeJS.Signals);
  });
  try {
    return await new Promise<number>((resolve, reject) => {
      child.once('error', (e: NodeJS.ErrnoException) => {
        reject(e.code === 'ENOENT' ? cliError(`exec: "${cmd.command}": executable file not found in $PATH`) : cliError(`exec: "${cmd.command}": ${e.message}`));
      });
      child.once('close', (code, signal) => {
        resolve(code ?? 128 + (signal ? constants.signals[signal] ?? 0 : 0));
      });
    });
  } finally {
    finished = true;
  }
}
