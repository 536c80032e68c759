// `skiff get KIND[,KIND…] [NAME…]` and `skiff get KIND/NAME…`, printed as kubectl prints them:
// one table per kind, or the objects as YAML/JSON/names.
import type { Command } from 'commander';
import { apiVersionOf, type KindInfo } from '../../config/kinds.js';
import type { Resource } from '../../config/resource.js';
import { action, eachObject, type CommandDeps } from '../command-support.js';
import type { CommandContext } from '../context.js';
import { cliError } from '../cli-error.js';
import { asList, toJson, toYaml } from '../printers/object-printer.js';
import { resourceTable } from '../printers/resource-table.js';
import { objectRef, parseTypeAndNames } from '../resource-ref.js';
import { toCliError } from '../server-errors.js';

const OUTPUTS = ['json', 'name', 'wide', 'yaml'];

interface GetFlags {
  output?: string;
  selector?: string;
}

interface Fetched {
  info: KindInfo;
  items: Resource[];
}

export function registerGet(program: Command, deps: CommandDeps): void {
  program.command('get')
    .description('Display one or many resources')
    .argument('<type-and-names...>', 'TYPE[,TYPE…] [NAME…] or TYPE/NAME…')
    .option('-o, --output <format>', `output format: ${OUTPUTS.join('|')}`)
    .option('-l, --selector <selector>', 'label selector to filter on, e.g. app=reviews,version!=v1')
    .action(action(deps, async (ctx, cmd) => runGet(ctx, cmd.processedArgs[0] as string[], cmd.opts<GetFlags>())));
}

async function runGet(ctx: CommandContext, args: string[], flags: GetFlags): Promise<number> {
  const output = flags.output ?? '';
  if (output !== '' && !OUTPUTS.includes(output)) {
    throw cliError(`unable to match a printer suitable for the output format "${output}", allowed formats are: ${OUTPUTS.join(',')}`);
  }
  const { groups, slashForm } = parseTypeAndNames(args, 'get');
  const named = groups.some((g) => g.names.length > 0);
  if (named && ctx.allNamespaces) throw cliError('a resource cannot be retrieved by name across all namespaces');
  if (named && flags.selector !== undefined) throw cliError('selectors and the all flag cannot be used when passing resource/name arguments');

  const fetched: Fetched[] = [];
  let allOk = true;
  for (const { info, names } of groups) {
    const version = info.versions[0]!;
    const namespace = info.namespaced && !ctx.allNamespaces ? ctx.namespace : undefined;
    const items: Resource[] = [];
    if (names.length > 0) {
      allOk = (await eachObject(ctx, names, async (name) => {
        try {
          items.push(await ctx.client().get({ info, version, namespace, name }));
        } catch (e) {
          throw toCliError(e, { info, name, op: 'get' });
        }
      })) && allOk;
    } else {
      try {
        items.push(...sortByNamespaceAndName((await ctx.client().list({ info, version, namespace }, flags.selector)).items));
      } catch (e) {
        throw toCliError(e, { info, op: 'list' });
      }
    }
    fetched.push({ info, items: items.map((o) => withTypeMeta(info, o)) });
  }

  const all = fetched.flatMap((f) => f.items);
  const singleItem = groups.length === 1 && groups[0]!.names.length === 1;
  if (output === 'yaml' || output === 'json') {
    if (singleItem && all.length === 0) return 1;
    const value = singleItem ? all[0] : asList(all);
    ctx.io.stdout.write(output === 'yaml' ? toYaml(value) : toJson(value));
    return allOk ? 0 : 1;
  }
  if (output === 'name') {
    for (const f of fetched) for (const o of f.items) ctx.io.stdout.write(`${objectRef(f.info, o.metadata.name)}\n`);
    return allOk ? 0 : 1;
  }
  if (all.length === 0) {
    if (allOk) ctx.io.stderr.write(noResourcesMessage(ctx, groups.map((g) => g.info)));
    return allOk ? 0 : 1;
  }
  const now = Date.now();
  const tables = fetched.filter((f) => f.items.length > 0).map((f) => resourceTable(f.info, f.items, {
    withNamespace: ctx.allNamespaces && f.info.namespaced,
    withKind: groups.length > 1 || slashForm,
    wide: output === 'wide',
    now,
  }));
  ctx.io.stdout.write(tables.join('\n'));
  return allOk ? 0 : 1;
}

function noResourcesMessage(ctx: CommandContext, infos: KindInfo[]): string {
  if (ctx.allNamespaces || infos.every((i) => !i.namespaced)) return 'No resources found\n';
  return `No resources found in ${ctx.namespace} namespace.\n`;
}

// Kubernetes omits apiVersion/kind on list items of built-in kinds; printed objects need them.
function withTypeMeta(info: KindInfo, o: Resource): Resource {
  if (o.apiVersion && o.kind) return o;
  return { ...o, apiVersion: o.apiVersion || apiVersionOf(info), kind: o.kind || info.kind };
}

function sortByNamespaceAndName(items: Resource[]): Resource[] {
  const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  return [...items].sort((a, b) => cmp(a.metadata.namespace ?? '', b.metadata.namespace ?? '') || cmp(a.metadata.name, b.metadata.name));
}
