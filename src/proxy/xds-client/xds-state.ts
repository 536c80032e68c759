// The ADS client's state without the network: per-type accepted versions, nonces and subscribed
// names, and what to do with a DiscoveryResponse (ACK with a new snapshot, or NACK with the
// reason). Kept pure so every ACK/NACK rule is tested without gRPC.

import type { DiscoveryResponse } from '../../xds/discovery.js';
import { unpackAny } from '../../xds/codec.js';
import { compileResource, formatResourceErrors, TYPE_URL_KIND, KIND_TYPE_URL, type ResourceKind, resourceName } from '../config/resources.js';
import { SNAPSHOT_FIELD, withResources, type ProxySnapshot, type ResourceEntry, type ResourceMap } from '../config/snapshot.js';
import { secretNames } from '../config/tls-context.js';

export interface TypeState {
  /** Last accepted version_info ('' before any). */
  version: string;
  /** Nonce of the last response received for the type. */
  nonce: string;
  /** Subscribed names; LDS and CDS are wildcard (empty list). */
  names: string[];
  /** Whether a request for this type has been sent on the current stream. */
  requested: boolean;
  lastAck?: { version: string; at: string };
  lastNack?: { version: string; at: string; error: string };
}

export type ResponseOutcome =
  | { kind: ResourceKind; ack: true; version: string; nonce: string; snapshot: ProxySnapshot }
  | {
      kind: ResourceKind | undefined;
      ack: false;
      /** The version to report: the last one accepted. */
      version: string;
      nonce: string;
      error: string;
      /** The valid part of the response, to apply anyway (Envoy applies what it can, then NACKs). */
      snapshot?: ProxySnapshot;
    };

/** Order in which subscriptions are first sent: clusters before listeners, as Envoy does. */
export const SUBSCRIPTION_ORDER: readonly ResourceKind[] = ['cluster', 'listener', 'endpoint', 'route', 'secret'];

export function initialTypeStates(): Record<ResourceKind, TypeState> {
  const s = (): TypeState => ({ version: '', nonce: '', names: [], requested: false });
  return { cluster: s(), listener: s(), endpoint: s(), route: s(), secret: s() };
}

const WILDCARD: ReadonlySet<ResourceKind> = new Set(['listener', 'cluster']);

export function isWildcard(kind: ResourceKind): boolean {
  return WILDCARD.has(kind);
}

/**
 * Applies a response to a snapshot. LDS and CDS responses carry the whole set (a resource left out
 * is removed); RDS and EDS responses update the resources they name. As in Envoy, a resource the
 * proxy cannot honour is rejected on its own — it keeps its last good version, if any — while the
 * valid ones apply, and the response is NACKed. A response that does not even decode (wrong type,
 * duplicate names, bad protobuf) is rejected whole.
 */
export function processResponse(current: ProxySnapshot, response: DiscoveryResponse, states: Record<ResourceKind, TypeState>): ResponseOutcome {
  const kind = TYPE_URL_KIND[response.type_url];
  if (!kind) {
    return { kind: undefined, ack: false, version: '', nonce: response.nonce, error: `type ${response.type_url} is not consumed by the Skiff proxy` };
  }
  const state = states[kind];
  const errors: string[] = [];
  const rejected: string[] = [];
  const now = new Date().toISOString();
  const field = SNAPSHOT_FIELD[kind];
  const previous = current[field] as ReadonlyMap<string, ResourceEntry<unknown>>;
  const next = new Map<string, ResourceEntry<unknown>>(isWildcard(kind) ? [] : previous);
  const seen = new Set<string>();
  response.resources.forEach((packed, i) => {
    if (packed.type_url !== KIND_TYPE_URL[kind]) {
      errors.push(`resources[${i}]: type ${packed.type_url} does not match the response type ${response.type_url}`);
      return;
    }
    let raw: unknown;
    try {
      raw = unpackAny(packed);
    } catch (e) {
      errors.push(`resources[${i}]: cannot decode: ${(e as Error).message}`);
      return;
    }
    const name = resourceName(kind, raw) ?? '';
    if (seen.has(name)) {
      errors.push(`resources[${i}]: duplicate resource name ${JSON.stringify(name)}`);
      return;
    }
    seen.add(name);
    const old = previous.get(name);
    // Unchanged resources keep their compiled object, so the proxy keeps their runtime state.
    if (old && sameJson(old.raw, raw)) {
      next.set(name, old);
      return;
    }
    const r = compileResource(kind, raw);
    if (r.ok) {
      next.set(name, { name, version: response.version_info, raw, value: r.value, lastUpdated: now });
      return;
    }
    rejected.push(formatResourceErrors(kind, name, r.errors));
    if (old) next.set(name, old);
    else next.delete(name);
  });
  if (errors.length > 0) return { kind, ack: false, version: state.version, nonce: response.nonce, error: [...errors, ...rejected].join('\n') };
  // The kind's version in the snapshot only moves on an ACK.
  const version = rejected.length > 0 ? current.versions[kind] : response.version_info;
  const snapshot = withResources(current, kind, next as ResourceMap<typeof kind>, version);
  if (rejected.length > 0) return { kind, ack: false, version: state.version, nonce: response.nonce, error: rejected.join('\n'), snapshot };
  return { kind, ack: true, version: response.version_info, nonce: response.nonce, snapshot };
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export type DependentKind = 'route' | 'endpoint' | 'secret';

/** The RDS, EDS and SDS names a snapshot's listeners and clusters refer to. */
export function dependentNames(s: ProxySnapshot): Record<DependentKind, string[]> {
  const routes = new Set<string>();
  for (const entry of s.listeners.values()) {
    const l = entry.value;
    for (const chain of [...l.filterChains, ...(l.defaultFilterChain ? [l.defaultFilterChain] : [])]) {
      if (chain.filter.kind === 'http' && chain.filter.hcm.routeSource.kind === 'rds') routes.add(chain.filter.hcm.routeSource.name);
    }
  }
  const endpoints = new Set<string>();
  const secrets = new Set<string>();
  for (const entry of s.clusters.values()) {
    const c = entry.value;
    if (c.type === 'EDS') endpoints.add(c.edsServiceName);
    for (const n of secretNames(c.transportSocket)) secrets.add(n);
    for (const m of c.transportSocketMatches) for (const n of secretNames(m.socket)) secrets.add(n);
  }
  for (const entry of s.listeners.values()) {
    const l = entry.value;
    for (const chain of [...l.filterChains, ...(l.defaultFilterChain ? [l.defaultFilterChain] : [])]) for (const n of secretNames(chain.transportSocket)) secrets.add(n);
  }
  return { route: [...routes].sort(), endpoint: [...endpoints].sort(), secret: [...secrets].sort() };
}

/** Drops RDS/EDS/SDS resources nobody subscribes to any more. */
export function pruneUnsubscribed(s: ProxySnapshot, kind: DependentKind, names: readonly string[]): ProxySnapshot {
  const field = SNAPSHOT_FIELD[kind];
  const map = s[field] as ReadonlyMap<string, ResourceEntry<unknown>>;
  const keep = new Set(names);
  if ([...map.keys()].every((k) => keep.has(k))) return s;
  const next = new Map([...map].filter(([k]) => keep.has(k)));
  return withResources(s, kind, next as ResourceMap<typeof kind>, s.versions[kind]);
}
