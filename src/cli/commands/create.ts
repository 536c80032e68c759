// `skiff create -f`: create every object; one that exists already is an error (AlreadyExists).
import type { Command } from 'commander';
import { declared, withLastApplied } from '../apply-patch.js';
import { action, eachObject, fileOptions, type CommandDeps, type FileFlags } from '../command-support.js';
import { creationOrder, readManifests } from '../manifests.js';
import { objectRef } from '../resource-ref.js';
import { toCliError } from '../server-errors.js';

export function registerCreate(program: Command, deps: CommandDeps): void {
  fileOptions(program.command('create').description('Create resources from files, directories or stdin'), 'create')
    .option('--save-config', 'record the configuration in the last-applied annotation, so a later apply works as if this had been applied')
    .action(action(deps, async (ctx, cmd) => {
      const flags = cmd.opts<FileFlags & { saveConfig?: boolean }>();
      const { manifests, failed } = await readManifests(ctx, flags.filename, { recursive: flags.recursive, verb: 'create' });
      const allOk = await eachObject(ctx, creationOrder(manifests), async (m) => {
        const body = flags.saveConfig ? withLastApplied(m.resource) : declared(m.resource);
        try {
          await ctx.client().create({ info: m.info, version: m.version, namespace: m.namespace }, body);
        } catch (e) {
          throw toCliError(e, { info: m.info, name: m.resource.metadata.name, file: m.file, op: 'create' });
        }
        ctx.io.stdout.write(`${objectRef(m.info, m.resource.metadata.name)} created\n`);
      });
      return failed || !allOk ? 1 : 0;
    }));
}
