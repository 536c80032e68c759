// Generated resources shared between proxies within one push (Istio's XdsCache, scoped to a push
// context). A thousand sidecars in one namespace with the same labels and node metadata get the
// same clusters, endpoints, listeners and routes; translating them once per push, and handing every
// such proxy the same objects, also lets the ADS server encode and digest them once.
//
// The key of an entry is the proxy's view of the push: every Proxy field translation reads, and
// never the fields that only name the proxy (id, IP, pod). What a proxy's own workload contributes
// depends on the type: CDS and LDS build its inbound clusters and listeners (the workload itself
// is part of the key), EDS reads only its locality, RDS nothing (its labels are in the key anyway).
// Entries live as long as their PushContext: a new push starts an empty cache, so config and
// endpoint changes can never be served from a stale entry.
import type { Proxy } from '../model/proxy.js';
import type { PushContext } from '../model/push-context.js';
import { TYPE_URL } from '../../xds/type-urls.js';
import type { TranslationProblem } from './route-policies.js';
import { canonicalJson } from '../model/canonical-json.js';

/**
 * How each Proxy field enters the cache key. A new Proxy field fails to compile here until it is
 * classified: `view` fields are part of every key, `identity` fields are never read by translation
 * other than to name the proxy in problems, `workload` is keyed per type (see workloadKey).
 */
export const PROXY_FIELD_ROLES: { readonly [K in keyof Proxy]-?: 'view' | 'identity' | 'workload' } = {
  id: 'identity',
  ipAddresses: 'identity',
  podName: 'identity',
  type: 'view',
  namespace: 'view',
  dnsDomain: 'view',
  labels: 'view',
  metadata: 'view',
  workload: 'workload',
};

/** What of the proxy's own workload the translation of `typeUrl` reads. */
function workloadKey(proxy: Proxy, typeUrl: string): string {
  const w = proxy.workload;
  if (!w) return '-';
  switch (typeUrl) {
    case TYPE_URL.ROUTE_CONFIGURATION:
      return '';
    case TYPE_URL.CLUSTER_LOAD_ASSIGNMENT:
      return `locality=${w.locality ?? ''}`;
    default:
      // Proxies of one workload share its object (the push's registry holds one per pod).
      return `workload=${workloadId(w)}`;
  }
}

const workloadIds = new WeakMap<object, number>();
let nextWorkloadId = 0;

function workloadId(w: object): number {
  let id = workloadIds.get(w);
  if (id === undefined) {
    id = ++nextWorkloadId;
    workloadIds.set(w, id);
  }
  return id;
}

const VIEW_FIELDS = (Object.keys(PROXY_FIELD_ROLES) as (keyof Proxy)[]).filter((f) => PROXY_FIELD_ROLES[f] === 'view');

/**
 * Canonical views by the view fields' values: strings by value, objects (labels, node options) by
 * identity, which a connection keeps from push to push. A level per field; object levels are weak.
 */
interface ViewMemo {
  readonly byValue: Map<unknown, ViewMemo>;
  readonly byObject: WeakMap<object, ViewMemo>;
  view?: string;
}
const newMemo = (): ViewMemo => ({ byValue: new Map(), byObject: new WeakMap() });
const viewMemo = newMemo();

function canonicalView(proxy: Proxy): string {
  let memo = viewMemo;
  for (const field of VIEW_FIELDS) {
    const value: unknown = proxy[field];
    const isObject = typeof value === 'object' && value !== null;
    let next = isObject ? memo.byObject.get(value) : memo.byValue.get(value);
    if (!next) {
      next = newMemo();
      if (isObject) memo.byObject.set(value, next);
      else memo.byValue.set(value, next);
    }
    memo = next;
  }
  if (memo.view === undefined) {
    const fields: Record<string, unknown> = {};
    for (const field of VIEW_FIELDS) fields[field] = proxy[field];
    memo.view = canonicalJson(fields);
  }
  return memo.view;
}

/** A proxy's key per type, once per proxy object (resolved once per push). */
const keysByProxy = new WeakMap<Proxy, Map<string, string>>();

/**
 * The part of the cache key that describes the proxy, for `typeUrl`. The same proxy gets the same
 * string object back, whose hash the engine keeps: keys are long, and looked up for every proxy.
 */
export function proxyViewKey(proxy: Proxy, typeUrl: string): string {
  let keys = keysByProxy.get(proxy);
  if (!keys) {
    keys = new Map();
    keysByProxy.set(proxy, keys);
  }
  let key = keys.get(typeUrl);
  if (key === undefined) {
    key = `${typeUrl}\n${canonicalView(proxy)}|${workloadKey(proxy, typeUrl)}`;
    keys.set(typeUrl, key);
  }
  return key;
}

/**
 * Subscribed names as a key, once per list: a proxy keeps its list while its subscription stays,
 * and a long EDS subscription would otherwise be serialized for every proxy on every push.
 */
const nameKeys = new WeakMap<readonly string[], string>();

function namesKey(names: readonly string[] | undefined): string {
  if (names === undefined) return '*';
  let key = nameKeys.get(names);
  if (key === undefined) {
    key = JSON.stringify(names);
    nameKeys.set(names, key);
  }
  return key;
}

/** Shared resources are frozen, so a translator or server that mutates one fails loudly at once. */
function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  Object.freeze(value);
  for (const v of Object.values(value as object)) deepFreeze(v);
  return value;
}

interface Entry<R> {
  readonly resources: readonly R[];
  readonly problems: readonly TranslationProblem[];
}

export interface XdsCacheStats {
  hits: number;
  misses: number;
  /** Generations that named the proxy in a problem, so could not be shared. */
  uncacheable: number;
}

export class XdsCache<R> {
  /** Per push: proxy view (with type) → subscribed names → entry. */
  private readonly byPush = new WeakMap<PushContext, Map<string, Map<string, Entry<R>>>>();
  readonly stats: XdsCacheStats = { hits: 0, misses: 0, uncacheable: 0 };

  /**
   * The resources `generate` builds for this proxy, type and names, computed once per push for
   * every proxy with the same view. Problems found while generating are added to `problems` on
   * every call, as if each proxy's resources had been generated anew; a generation whose problems
   * name the proxy itself is not shared.
   */
  resources(
    proxy: Proxy,
    push: PushContext,
    typeUrl: string,
    names: readonly string[] | undefined,
    problems: TranslationProblem[],
    generate: (problems: TranslationProblem[]) => R[],
  ): readonly R[] {
    let views = this.byPush.get(push);
    if (!views) {
      views = new Map();
      this.byPush.set(push, views);
    }
    const view = proxyViewKey(proxy, typeUrl);
    let entries = views.get(view);
    if (!entries) {
      entries = new Map();
      views.set(view, entries);
    }
    const key = namesKey(names);
    const cached = entries.get(key);
    if (cached) {
      this.stats.hits += 1;
      problems.push(...cached.problems);
      return cached.resources;
    }
    const found: TranslationProblem[] = [];
    const resources = generate(found);
    problems.push(...found);
    const self = `proxy ${proxy.id}`;
    if (found.some((p) => p.resource === self || p.message.includes(proxy.id))) {
      this.stats.uncacheable += 1;
      return resources;
    }
    this.stats.misses += 1;
    entries.set(key, { resources: deepFreeze(resources), problems: found });
    return resources;
  }
}
