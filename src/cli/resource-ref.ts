// How kubectl names resource types and objects in its output, and how a user's `KIND` argument
// (`vs`, `virtualservices`, `gateway.networking.k8s.io`) maps onto Skiff's kind registry.
import { resolveKindName, kindInfo, type KindInfo } from '../config/kinds.js';
import { splitApiVersion, type Resource } from '../config/resource.js';
import { cliError } from './cli-error.js';

/** `virtualservice.networking.istio.io`, `deployment.apps`, `service`: the prefix of `-o name` and of apply output. */
export function kindQualifier(info: Pick<KindInfo, 'kind' | 'group'>): string {
  const kind = info.kind.toLowerCase();
  return info.group ? `${kind}.${info.group}` : kind;
}

/** `virtualservices.networking.istio.io`: how API errors name a resource type. */
export function resourceQualifier(info: Pick<KindInfo, 'plural' | 'group'>): string {
  return info.group ? `${info.plural}.${info.group}` : info.plural;
}

/** `virtualservice.networking.istio.io/reviews`. */
export function objectRef(info: Pick<KindInfo, 'kind' | 'group'>, name: string): string {
  return `${kindQualifier(info)}/${name}`;
}

/** Resolves a type argument or fails as kubectl does for a type the server does not serve. */
export function resolveKindArg(arg: string): KindInfo {
  const info = resolveKindName(arg);
  if (!info) throw cliError(`the server doesn't have a resource type "${arg}"`);
  return info;
}

/** The kind of a resource read from a file (already validated, so it is known). */
export function kindOfResource(r: Resource): KindInfo | undefined {
  const { group } = splitApiVersion(r.apiVersion);
  return kindInfo(group, r.kind);
}

export interface TypedNames {
  info: KindInfo;
  names: string[];
}

/**
 * Parses `get`/`delete` positionals. Either `TYPE[,TYPE…] [NAME…]` or only `TYPE/NAME` pairs, as
 * kubectl accepts; mixing the two forms is an error there too.
 */
export function parseTypeAndNames(args: readonly string[], verb: string): { groups: TypedNames[]; slashForm: boolean } {
  if (args.length === 0) throw cliError(`you must specify the type of resource to ${verb}`);
  const slashForm = args.some((a) => a.includes('/'));
  if (slashForm) {
    const groups: TypedNames[] = [];
    for (const a of args) {
      const slash = a.indexOf('/');
      if (slash <= 0 || slash === a.length - 1) {
        throw cliError(`there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'skiff ${verb} resource/<resource_name>' instead of 'skiff ${verb} resource resource/<resource_name>')`);
      }
      const info = resolveKindArg(a.slice(0, slash));
      const name = a.slice(slash + 1);
      const existing = groups.find((g) => g.info === info);
      if (existing) existing.names.push(name);
      else groups.push({ info, names: [name] });
    }
    return { groups, slashForm };
  }
  const [types, ...names] = args as [string, ...string[]];
  const infos: KindInfo[] = [];
  for (const t of types.split(',')) {
    if (t === '') continue;
    const info = resolveKindArg(t);
    if (!infos.includes(info)) infos.push(info);
  }
  if (infos.length === 0) throw cliError(`the server doesn't have a resource type "${types}"`);
  return { groups: infos.map((info) => ({ info, names: [...names] })), slashForm };
}
