// `skiff replace -f`: overwrite existing objects with the file's content; a missing one is NotFound.
// The file is sent as written, so a resourceVersion saved from `get -o yaml` guards against
// overwriting someone else's change.
import type { Command } from 'commander';
import { action, eachObject, fileOptions, type CommandDeps, type FileFlags } from '../command-support.js';
import { creationOrder, readManifests } from '../manifests.js';
import { objectRef } from '../resource-ref.js';
import { toCliError } from '../server-errors.js';

export function registerReplace(program: Command, deps: CommandDeps): void {
  fileOptions(program.command('replace').description('Replace resources with the configuration in files, directories or stdin'), 'replace')
    .action(action(deps, async (ctx, cmd) => {
      const flags = cmd.opts<FileFlags>();
      const { manifests, failed } = await readManifests(ctx, flags.filename, { recursive: flags.recursive, verb: 'replace' });
      const allOk = await eachObject(ctx, creationOrder(manifests), async (m) => {
        const name = m.resource.metadata.name;
        try {
          await ctx.client().replace({ info: m.info, version: m.version, namespace: m.namespace, name }, m.resource);
        } catch (e) {
          throw toCliError(e, { info: m.info, name, file: m.file, op: 'replace' });
        }
        ctx.io.stdout.write(`${objectRef(m.info, name)} replaced\n`);
      });
      return failed || !allOk ? 1 : 0;
    }));
}
