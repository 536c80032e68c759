// `skiff delete -f FILE` or `skiff delete KIND NAME…` (also `--all` or `-l` within a namespace).
import type { Command } from 'commander';
import type { KindInfo } from '../../config/kinds.js';
import { action, eachObject, fileOptions, type CommandDeps, type FileFlags } from '../command-support.js';
import type { CommandContext } from '../context.js';
import { cliError } from '../cli-error.js';
import { deletionOrder, readManifests } from '../manifests.js';
import { kindQualifier, parseTypeAndNames } from '../resource-ref.js';
import { isNotFound, toCliError } from '../server-errors.js';

interface DeleteFlags extends FileFlags {
  ignoreNotFound?: boolean;
  all?: boolean;
  selector?: string;
}

interface Victim {
  info: KindInfo;
  version: string;
  namespace?: string;
  name: string;
  file?: string;
}

export function registerDelete(program: Command, deps: CommandDeps): void {
  fileOptions(program.command('delete').description('Delete resources by file, or by type and name'), 'delete')
    .argument('[type-and-names...]', 'TYPE NAME…, TYPE/NAME…')
    .option('--ignore-not-found', 'treat a resource that does not exist as deleted')
    .option('--all', 'delete every resource of the given types in the namespace')
    .option('-l, --selector <selector>', 'delete the resources matching this label selector')
    .action(action(deps, async (ctx, cmd) => {
      const flags = cmd.opts<DeleteFlags>();
      const args = cmd.processedArgs[0] as string[];
      if (flags.filename.length > 0) {
        if (args.length > 0) throw cliError('there is no need to specify a resource type as a separate argument when passing arguments with -f');
        const { manifests, failed } = await readManifests(ctx, flags.filename, { recursive: flags.recursive, verb: 'delete', check: 'identity' });
        const victims = deletionOrder(manifests).map((m) => ({ info: m.info, version: m.version, namespace: m.namespace, name: m.resource.metadata.name, file: m.file }));
        const allOk = await deleteAll(ctx, victims, flags.ignoreNotFound ?? false);
        return failed || !allOk ? 1 : 0;
      }
      return deleteByType(ctx, args, flags);
    }));
}

async function deleteByType(ctx: CommandContext, args: string[], flags: DeleteFlags): Promise<number> {
  if (args.length === 0) throw cliError('you must provide one or more resources by argument or filename');
  const { groups } = parseTypeAndNames(args, 'delete');
  const victims: Victim[] = [];
  const byListing = flags.all || flags.selector !== undefined;
  for (const { info, names } of groups) {
    const version = info.versions[0]!;
    if (names.length > 0) {
      if (byListing) throw cliError('name cannot be provided when a selector or --all is specified');
      if (ctx.allNamespaces) throw cliError('a resource cannot be retrieved by name across all namespaces');
      for (const name of names) victims.push({ info, version, namespace: info.namespaced ? ctx.namespace : undefined, name });
      continue;
    }
    if (!byListing) throw cliError('resource(s) were provided, but no name was specified');
    const namespace = ctx.allNamespaces || !info.namespaced ? undefined : ctx.namespace;
    let list;
    try {
      list = await ctx.client().list({ info, version, namespace }, flags.selector);
    } catch (e) {
      throw toCliError(e, { info, op: 'list' });
    }
    for (const item of list.items) victims.push({ info, version, namespace: item.metadata.namespace, name: item.metadata.name });
  }
  if (byListing && victims.length === 0) {
    ctx.io.stderr.write('No resources found\n');
    return 0;
  }
  return (await deleteAll(ctx, victims, flags.ignoreNotFound ?? false)) ? 0 : 1;
}

async function deleteAll(ctx: CommandContext, victims: readonly Victim[], ignoreNotFound: boolean): Promise<boolean> {
  return eachObject(ctx, victims, async (v) => {
    try {
      await ctx.client().delete(v);
    } catch (e) {
      if (ignoreNotFound && isNotFound(e)) return;
      throw toCliError(e, { info: v.info, name: v.name, file: v.file, op: 'delete' });
    }
    // kubectl words deletions differently from the other verbs: `kind.group "name" deleted`.
    ctx.io.stdout.write(`${kindQualifier(v.info)} "${v.name}" deleted\n`);
  });
}
