// What `skiff label` and `skiff annotate` share: `key=value` sets, `key-` removes, an existing
// value changes only with --overwrite, and the change goes to the server as a merge patch.
import type { Command } from 'commander';
import type { KindInfo } from '../config/kinds.js';
import { labelMap } from '../config/schemas/common.js';
import { action, eachObject, type CommandDeps } from './command-support.js';
import type { CommandContext } from './context.js';
import { CliError, cliError } from './cli-error.js';
import { objectRef, parseTypeAndNames } from './resource-ref.js';
import { toCliError } from './server-errors.js';

export interface MetadataVerb {
  verb: 'label' | 'annotate';
  field: 'labels' | 'annotations';
  /** `label`/`annotation`, as messages name one entry. */
  noun: string;
  done: string;
  /** kubectl's label reports `not labeled` for a no-op; annotate always says `annotated`. */
  unchanged: string;
}

interface Changes {
  set: Map<string, string>;
  remove: string[];
}

export function registerMetadataVerb(program: Command, deps: CommandDeps, v: MetadataVerb, description: string): void {
  program.command(v.verb)
    .description(description)
    .argument('<args...>', `TYPE NAME… KEY=VALUE… KEY-…  (or TYPE/NAME…)`)
    .option('--overwrite', `allow replacing the value of an existing ${v.noun}`)
    .action(action(deps, async (ctx, cmd) => {
      const args = cmd.processedArgs[0] as string[];
      const isChange = (a: string) => a.includes('=') || (a.endsWith('-') && a.length > 1);
      const firstChange = args.findIndex(isChange);
      const targets = firstChange < 0 ? args : args.slice(0, firstChange);
      const changeArgs = firstChange < 0 ? [] : args.slice(firstChange);
      if (changeArgs.length === 0) throw cliError(`at least one ${v.noun} update is required`);
      const changes = parseChanges(v, changeArgs);
      const { groups } = parseTypeAndNames(targets, v.verb);
      const objects = groups.flatMap((g) => g.names.map((name) => ({ info: g.info, name })));
      if (objects.length === 0) throw cliError('one or more resources must be specified as <resource> <name> or <resource>/<name>');
      const overwrite = cmd.opts<{ overwrite?: boolean }>().overwrite ?? false;
      const ok = await eachObject(ctx, objects, (o) => updateOne(ctx, v, o.info, o.name, changes, overwrite));
      return ok ? 0 : 1;
    }));
}

function parseChanges(v: MetadataVerb, args: string[]): Changes {
  const set = new Map<string, string>();
  const remove: string[] = [];
  for (const a of args) {
    const eq = a.indexOf('=');
    if (eq < 0) {
      remove.push(a.slice(0, -1));
      continue;
    }
    const key = a.slice(0, eq);
    const value = a.slice(eq + 1);
    // Annotation values are free text; keys follow the same qualified-name rule as label keys.
    const check = labelMap.safeParse({ [key]: v.field === 'labels' ? value : '' });
    if (!check.success) throw cliError(`invalid ${v.noun} spec "${a}": ${check.error.issues[0]?.message ?? 'invalid'}`);
    set.set(key, value);
  }
  for (const key of remove) if (set.has(key)) throw cliError(`can not both modify and remove the ${v.noun} "${key}" in the same command`);
  return { set, remove };
}

async function updateOne(ctx: CommandContext, v: MetadataVerb, info: KindInfo, name: string, changes: Changes, overwrite: boolean): Promise<void> {
  const target = { info, version: info.versions[0]!, namespace: info.namespaced ? ctx.namespace : undefined, name };
  let live;
  try {
    live = await ctx.client().get(target);
  } catch (e) {
    throw toCliError(e, { info, name, op: 'get' });
  }
  const current: Record<string, string> = { ...(live.metadata[v.field] ?? {}) };
  const patch: Record<string, string | null> = {};
  for (const [key, value] of changes.set) {
    const old = current[key];
    if (old === value) continue;
    if (old !== undefined && !overwrite) throw new CliError(`error: '${key}' already has a value (${old}), and --overwrite is false`);
    patch[key] = value;
  }
  for (const key of changes.remove) {
    if (current[key] === undefined) ctx.io.stdout.write(`${v.noun} "${key}" not found.\n`);
    else patch[key] = null;
  }
  const ref = objectRef(info, name);
  if (Object.keys(patch).length === 0) {
    ctx.io.stdout.write(`${ref} ${v.unchanged}\n`);
    return;
  }
  try {
    await ctx.client().mergePatch(target, { metadata: { [v.field]: patch } });
  } catch (e) {
    throw toCliError(e, { info, name, op: 'patch' });
  }
  ctx.io.stdout.write(`${ref} ${v.done}\n`);
}
