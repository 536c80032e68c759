// Which pod and container a `logs`/`exec` argument means, as kubectl decides: `POD`, `pod/POD`,
// `deploy/NAME` or `svc/NAME` (the first pod behind it, waiting up to --pod-running-timeout for one
// to run), and the default container (kubectl's `default-container` annotation, else the only app
// container).
import { kindInfo, type KindInfo } from '../../config/kinds.js';
import type { Resource } from '../../config/resource.js';
import { cliError } from '../cli-error.js';
import type { CommandContext } from '../context.js';
import { resolveKindArg } from '../resource-ref.js';
import { toCliError } from '../server-errors.js';

export const POD_INFO = kindInfo('', 'Pod')!;
export const DEPLOYMENT_INFO = kindInfo('apps', 'Deployment')!;
const SERVICE_INFO = kindInfo('', 'Service')!;
/** Istio's injector sets this annotation so kubectl picks the app, not the sidecar. */
export const DEFAULT_CONTAINER_ANNOTATION = 'kubectl.kubernetes.io/default-container';
export const SIDECAR_CONTAINER = 'istio-proxy';

/** The fields of a stored pod that `logs` and `exec` read. */
export interface PodView {
  metadata: Resource['metadata'];
  spec?: { containers?: { name: string; image?: string; env?: { name: string; value?: string }[]; ports?: { containerPort: number }[] }[]; serviceAccountName?: string };
  status?: {
    phase?: string;
    conditions?: { type: string; status: string }[];
    containerStatuses?: { name: string; ready?: boolean; state?: { running?: unknown; waiting?: { reason?: string }; terminated?: unknown } }[];
    skiff?: {
      ports?: { containerPort: number; name?: string; appPort: number; endpointPort: number }[];
      sidecar?: { outbound: number; admin: number };
      pids?: Record<string, number>;
    };
  };
}

export interface ChosenPod {
  pod: PodView;
  /** How many pods the Deployment had when one was chosen from it (1 for a named pod). */
  candidates: number;
}

/** Splits `TYPE/NAME`; a bare name is a pod. */
function parseTarget(arg: string): { info: KindInfo; name: string } {
  const slash = arg.indexOf('/');
  if (slash < 0) return { info: POD_INFO, name: arg };
  const name = arg.slice(slash + 1);
  if (slash === 0 || name === '') throw cliError(`arguments in resource/name form must have a single resource and name: "${arg}"`);
  return { info: resolveKindArg(arg.slice(0, slash)), name };
}

export async function getPod(ctx: CommandContext, name: string): Promise<PodView> {
  try {
    return (await ctx.client().get({ info: POD_INFO, version: POD_INFO.versions[0]!, namespace: ctx.namespace, name })) as PodView;
  } catch (e) {
    throw toCliError(e, { info: POD_INFO, name, op: 'get' });
  }
}

/** The label selector of the pods behind a Deployment (the ones its controller made) or a Service. */
async function podSelector(ctx: CommandContext, info: KindInfo, name: string): Promise<string> {
  if (info !== DEPLOYMENT_INFO && info !== SERVICE_INFO) throw cliError(`cannot attach to ${info.kind}: selector for ${info.kind} not implemented`);
  let obj: Resource;
  try {
    obj = await ctx.client().get({ info, version: info.versions[0]!, namespace: ctx.namespace, name });
  } catch (e) {
    throw toCliError(e, { info, name, op: 'get' });
  }
  if (info === DEPLOYMENT_INFO) return `skiff.io/deployment=${name}`;
  const selector = (obj.spec as { selector?: Record<string, string> } | undefined)?.selector ?? {};
  const pairs = Object.entries(selector).map(([k, v]) => `${k}=${v}`);
  if (pairs.length === 0) throw cliError(`cannot attach to service/${name}: the service has no selector`);
  return pairs.join(',');
}

/**
 * The pod an argument names. Behind a Deployment or Service, pods are listed until one is Running
 * (or the timeout passes), then ordered as kubectl orders them for logs and exec: running before
 * not, ready before not, oldest first.
 */
export async function resolvePod(ctx: CommandContext, arg: string, podRunningTimeoutMs: number): Promise<ChosenPod> {
  const { info, name } = parseTarget(arg);
  if (info === POD_INFO) return { pod: await getPod(ctx, name), candidates: 1 };
  const selector = await podSelector(ctx, info, name);
  const deadline = Date.now() + podRunningTimeoutMs;
  for (;;) {
    const pods = (await ctx.client().list({ info: POD_INFO, version: POD_INFO.versions[0]!, namespace: ctx.namespace }, selector)).items as PodView[];
    const sorted = [...pods].sort(byPreference);
    if (sorted[0] && isRunning(sorted[0])) return { pod: sorted[0], candidates: sorted.length };
    if (Date.now() >= deadline) {
      if (sorted[0]) return { pod: sorted[0], candidates: sorted.length };
      throw cliError('timed out waiting for the condition');
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

function isRunning(p: PodView): boolean {
  return p.status?.phase === 'Running';
}

function isReady(p: PodView): boolean {
  return (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

function byPreference(a: PodView, b: PodView): number {
  return Number(isRunning(b)) - Number(isRunning(a))
    || Number(isReady(b)) - Number(isReady(a))
    || String(a.metadata.creationTimestamp ?? '').localeCompare(String(b.metadata.creationTimestamp ?? ''))
    || a.metadata.name.localeCompare(b.metadata.name);
}

export function containerNames(pod: PodView): string[] {
  return (pod.spec?.containers ?? []).map((c) => c.name);
}

/**
 * The container a command means when none is named: the annotated default, else the only app
 * container; undefined when the pod has several app containers and names no default.
 */
export function defaultContainer(pod: PodView): string | undefined {
  const names = containerNames(pod);
  const annotated = pod.metadata.annotations?.[DEFAULT_CONTAINER_ANNOTATION];
  if (annotated !== undefined && names.includes(annotated)) return annotated;
  const apps = names.filter((n) => n !== SIDECAR_CONTAINER);
  if (apps.length === 1) return apps[0];
  if (names.length === 1) return names[0];
  return undefined;
}
