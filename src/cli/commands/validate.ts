// `skiff validate -f …`: the same checks apply runs before sending anything, with no control plane
// needed. Every error names its file, line, column and field path.
import type { Command } from 'commander';
import { formatConfigError, type ConfigError } from '../../config/errors.js';
import { loadPaths } from '../../config/load-files.js';
import { validateLoaded } from '../../config/validate.js';
import { action, fileOptions, type CommandDeps, type FileFlags } from '../command-support.js';
import { cliError } from '../cli-error.js';
import { colorsFor } from '../colors.js';

export function registerValidate(program: Command, deps: CommandDeps): void {
  fileOptions(program.command('validate').description('Validate configuration files locally (no control plane needed)'), 'validate')
    .action(action(deps, async (ctx, cmd) => {
      const flags = cmd.opts<FileFlags>();
      if (flags.filename.length === 0) throw cliError('must specify -f FILE (a file, a directory, or - for standard input)');
      const { resources, errors } = await loadPaths(flags.filename, { recursive: flags.recursive, stdin: () => ctx.io.readStdin() });
      const problems: ConfigError[] = [...errors];
      let invalid = 0;
      for (const loaded of resources) {
        const result = validateLoaded(loaded);
        if (!result.ok) {
          invalid++;
          problems.push(...result.errors);
        }
      }
      const c = colorsFor(ctx.io.stderr, ctx.io.env);
      for (const p of problems) ctx.io.stderr.write(`${c.red(formatConfigError(p))}\n`);
      if (problems.length > 0) {
        const unread = errors.length > 0 ? `; ${plural(errors.length, 'file or document', 'files or documents')} could not be read` : '';
        ctx.io.stderr.write(`error: ${plural(problems.length, 'error', 'errors')}: ${invalid} of ${plural(resources.length, 'resource', 'resources')} invalid${unread}\n`);
        return 1;
      }
      if (resources.length === 0) throw cliError('no resources found in the given files');
      ctx.io.stdout.write(`${plural(resources.length, 'resource', 'resources')} valid\n`);
      return 0;
    }));
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
