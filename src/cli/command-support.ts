// Glue shared by every verb: turn a commander action into "build the context, run, record the exit
// code", and the `-f` flag that apply/create/replace/delete/validate share.
import type { Command } from 'commander';
import { CliError } from './cli-error.js';
import type { CommandContext, ContextHolder } from './context.js';

export interface CommandDeps {
  contexts: ContextHolder;
  setExitCode(code: number): void;
}

export type Handler = (ctx: CommandContext, cmd: Command) => Promise<number>;

export function action(deps: CommandDeps, handler: Handler): (...args: unknown[]) => Promise<void> {
  return async (...args: unknown[]) => {
    const cmd = args[args.length - 1] as Command;
    deps.setExitCode(await handler(deps.contexts.build(cmd), cmd));
  };
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** `-f FILE|DIR|-` (repeatable) and `-R/--recursive`, which is the default for directories. */
export function fileOptions(cmd: Command, what: string): Command {
  return cmd
    .option('-f, --filename <path>', `file, directory or - (stdin) that contains the configuration to ${what}; repeatable`, collect, [])
    .option('-R, --recursive', 'process the directories named with -f recursively (the default)', true)
    .option('--no-recursive', 'read only the files directly inside a directory named with -f');
}

export interface FileFlags {
  filename: string[];
  recursive: boolean;
}

/**
 * Runs `fn` for each object, printing a refused object's error and carrying on with the rest, as
 * kubectl does; returns whether every object succeeded. Non-CLI errors (an unreachable control
 * plane) end the command.
 */
export async function eachObject<T>(ctx: CommandContext, items: readonly T[], fn: (item: T) => Promise<void>): Promise<boolean> {
  let allOk = true;
  for (const item of items) {
    try {
      await fn(item);
    } catch (e) {
      if (!(e instanceof CliError)) throw e;
      ctx.io.stderr.write(`${e.text}\n`);
      allOk = false;
    }
  }
  return allOk;
}
