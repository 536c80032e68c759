// Where `proxy-config` reads a proxy's config, as istioctl does: from the proxy's own admin server
// (Envoy's /config_dump), found through the pod's status (`status.skiff.sidecar.admin`, set by
// the local runtime for sidecars and gateways alike). When the admin cannot be reached — no such
// pod object, no admin port, the proxy not answering — the control plane's
// /debug/config_dump shows what it last sent that proxy instead, and a note says so.
import { ApiError } from '../client/api-errors.js';
import { cliError, CliError } from '../cli-error.js';
import type { CommandContext } from '../context.js';
import { resolvePod, type PodView } from '../runtime/pod-target.js';
import { adminJson, AdminUnreachableError, controlPlaneJson } from './debug-http.js';
import { endpointsOf, type ConfigDump } from './config-dump.js';
import { statusesFromAssignments, type ClusterStatuses } from './endpoints.js';

export interface ProxyTarget {
  /** The pod name (for a Deployment: the pod chosen behind it). */
  readonly pod: string;
  readonly namespace: string;
  /** `http://127.0.0.1:PORT` of the proxy's admin server, when the pod's status has one. */
  readonly admin?: string;
  /** Why there is no admin address. */
  readonly noAdmin?: string;
}

export interface FetchedDump {
  readonly dump: ConfigDump;
  readonly source: 'proxy' | 'control plane';
  readonly target: ProxyTarget;
}

/** `POD`, `POD.NAMESPACE`, `pod/POD`, `deploy/NAME` (the namespace from -n unless given after a dot). */
export function splitPodArg(arg: string, namespace: string): { ref: string; namespace: string } {
  const slash = arg.indexOf('/');
  const kind = slash < 0 ? '' : arg.slice(0, slash + 1);
  const rest = slash < 0 ? arg : arg.slice(slash + 1);
  const dot = rest.lastIndexOf('.');
  if (dot > 0 && dot < rest.length - 1) return { ref: kind + rest.slice(0, dot), namespace: rest.slice(dot + 1) };
  return { ref: arg, namespace };
}

export async function resolveProxyTarget(ctx: CommandContext, arg: string): Promise<ProxyTarget> {
  const { ref, namespace } = splitPodArg(arg, ctx.namespace);
  const scoped: CommandContext = { ...ctx, namespace };
  let pod: PodView;
  try {
    pod = (await resolvePod(scoped, ref, 0)).pod;
  } catch (e) {
    // A proxy can be connected without a pod object here (another runtime, a test client): the
    // control plane may still know it by POD.NAMESPACE.
    if ((e instanceof CliError && /not found/.test(e.text)) || (e instanceof ApiError && e.code === 404)) {
      if (ref.includes('/') && !ref.startsWith('pod/')) throw e;
      return { pod: ref.replace(/^pod\//, ''), namespace, noAdmin: `pod ${namespace}/${ref.replace(/^pod\//, '')} is not known to the API` };
    }
    throw e;
  }
  const admin = pod.status?.skiff?.sidecar?.admin;
  const name = pod.metadata.name;
  const ns = pod.metadata.namespace ?? namespace;
  if (typeof admin !== 'number' || admin <= 0) return { pod: name, namespace: ns, noAdmin: `pod ${ns}/${name} has no proxy admin port in its status (no sidecar, or not started yet)` };
  return { pod: name, namespace: ns, admin: `http://127.0.0.1:${admin}` };
}

function note(ctx: CommandContext, text: string): void {
  ctx.io.stderr.write(`note: ${text}\n`);
}

/** The proxy's config dump: from its admin, else what the control plane last sent it. */
export async function fetchConfigDump(ctx: CommandContext, arg: string): Promise<FetchedDump> {
  const target = await resolveProxyTarget(ctx, arg);
  let why = target.noAdmin;
  if (target.admin) {
    try {
      return { dump: await adminJson<ConfigDump>(`${target.admin}/config_dump?include_eds`), source: 'proxy', target };
    } catch (e) {
      if (!(e instanceof AdminUnreachableError)) throw e;
      why = `the proxy admin of ${target.pod}.${target.namespace} did not answer (${e.message})`;
    }
  }
  const dump = await controlPlaneDump(ctx, target);
  note(ctx, `${why}; showing what the control plane last sent this proxy`);
  return { dump, source: 'control plane', target };
}

/** What the control plane last sent a proxy (`sent`) or would send it now (`current`). */
export async function controlPlaneDump(ctx: CommandContext, target: Pick<ProxyTarget, 'pod' | 'namespace'>, source: 'sent' | 'current' = 'sent'): Promise<ConfigDump> {
  const proxyId = `${target.pod}.${target.namespace}`;
  try {
    return await controlPlaneJson<ConfigDump>(ctx.serverUrl(), `/debug/config_dump?proxyID=${encodeURIComponent(proxyId)}${source === 'current' ? '&source=current' : ''}`);
  } catch (e) {
    if (e instanceof CliError && /no proxy .* is connected/.test(e.text)) {
      throw cliError(`no proxy for ${proxyId}: the pod has no reachable proxy admin and no proxy of that name is connected to the control plane`);
    }
    throw e;
  }
}

/** Envoy's /clusters?format=json from the proxy, else built from the endpoints the control plane sent. */
export async function fetchClusterStatuses(ctx: CommandContext, arg: string): Promise<{ statuses: ClusterStatuses; source: 'proxy' | 'control plane' }> {
  const target = await resolveProxyTarget(ctx, arg);
  let why = target.noAdmin;
  if (target.admin) {
    try {
      return { statuses: await adminJson<ClusterStatuses>(`${target.admin}/clusters?format=json`), source: 'proxy' };
    } catch (e) {
      if (!(e instanceof AdminUnreachableError)) throw e;
      why = `the proxy admin of ${target.pod}.${target.namespace} did not answer (${e.message})`;
    }
  }
  const dump = await controlPlaneDump(ctx, target);
  note(ctx, `${why}; showing the endpoints the control plane last sent this proxy (no outlier state)`);
  return { statuses: statusesFromAssignments(endpointsOf(dump) ?? []), source: 'control plane' };
}
