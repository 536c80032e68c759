// `skiff apply -f`: create what is missing, patch what differs, leave the rest (kubectl's
// client-side apply with the last-applied-configuration annotation).
import type { Command } from 'commander';
import type { Resource } from '../../config/resource.js';
import { isNotFound, toCliError } from '../server-errors.js';
import { applyPatch, lastAppliedOf, withLastApplied, LAST_APPLIED } from '../apply-patch.js';
import { action, eachObject, fileOptions, type CommandDeps, type FileFlags } from '../command-support.js';
import type { CommandContext } from '../context.js';
import { creationOrder, readManifests, type Manifest } from '../manifests.js';
import { objectRef } from '../resource-ref.js';

export function registerApply(program: Command, deps: CommandDeps): void {
  fileOptions(program.command('apply').description('Apply configuration to resources from files, directories or stdin'), 'apply')
    .action(action(deps, async (ctx, cmd) => runApply(ctx, cmd.opts<FileFlags>())));
}

async function runApply(ctx: CommandContext, flags: FileFlags): Promise<number> {
  const { manifests, failed } = await readManifests(ctx, flags.filename, { recursive: flags.recursive, verb: 'apply' });
  const allOk = await eachObject(ctx, creationOrder(manifests), async (m) => {
    const outcome = await applyOne(ctx, m);
    ctx.io.stdout.write(`${objectRef(m.info, m.resource.metadata.name)} ${outcome}\n`);
  });
  return failed || !allOk ? 1 : 0;
}

async function applyOne(ctx: CommandContext, m: Manifest): Promise<'created' | 'configured' | 'unchanged'> {
  const client = ctx.client();
  const target = { info: m.info, version: m.version, namespace: m.namespace, name: m.resource.metadata.name };
  const desired = withLastApplied(m.resource);
  let live: Resource;
  try {
    live = await client.get(target);
  } catch (e) {
    if (!isNotFound(e)) throw toCliError(e, { info: m.info, name: target.name, file: m.file, op: 'get' });
    try {
      await client.create(target, desired);
      return 'created';
    } catch (err) {
      throw toCliError(err, { info: m.info, name: target.name, file: m.file, op: 'create' });
    }
  }
  if (!lastAppliedOf(live)) {
    ctx.io.stderr.write(`Warning: resource ${m.info.plural}/${target.name} is missing the ${LAST_APPLIED} annotation which is required by skiff apply. skiff apply should only be used on resources created declaratively by skiff apply. The missing annotation will be patched automatically.\n`);
  }
  const patch = applyPatch(desired, live);
  if (!patch) return 'unchanged';
  try {
    const updated = await client.mergePatch(target, patch);
    return updated?.metadata?.resourceVersion !== undefined && updated.metadata.resourceVersion === live.metadata.resourceVersion ? 'unchanged' : 'configured';
  } catch (e) {
    throw toCliError(e, { info: m.info, name: target.name, file: m.file, op: 'patch' });
  }
}
