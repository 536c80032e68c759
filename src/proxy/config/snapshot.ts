// An immutable, fully compiled view of everything the proxy runs on. A config source builds a new
// snapshot beside the old one and hands it over; the proxy swaps one reference, so a request sees
// either the old config or the new one, never a mix.

import type { ResourceKind, ResourceTypes } from './resources.js';

export interface ResourceEntry<T> {
  readonly name: string;
  readonly version: string;
  /** The resource as received (proto3 JSON), for /config_dump. */
  readonly raw: unknown;
  readonly value: T;
  readonly lastUpdated: string;
}

export type ResourceMap<K extends ResourceKind> = ReadonlyMap<string, ResourceEntry<ResourceTypes[K]>>;

export interface ProxySnapshot {
  /** Increases with every snapshot this process builds. */
  readonly generation: number;
  readonly listeners: ResourceMap<'listener'>;
  readonly routes: ResourceMap<'route'>;
  readonly clusters: ResourceMap<'cluster'>;
  readonly endpoints: ResourceMap<'endpoint'>;
  /** SDS secrets (certificates, trust) by name. */
  readonly secrets: ResourceMap<'secret'>;
  /** The version last accepted per kind ('' before any). */
  readonly versions: Readonly<Record<ResourceKind, string>>;
}

let generation = 0;

export const EMPTY_SNAPSHOT: ProxySnapshot = {
  generation: 0,
  listeners: new Map(),
  routes: new Map(),
  clusters: new Map(),
  endpoints: new Map(),
  secrets: new Map(),
  versions: { listener: '', route: '', cluster: '', endpoint: '', secret: '' },
};

export const SNAPSHOT_FIELD: Record<ResourceKind, 'listeners' | 'routes' | 'clusters' | 'endpoints' | 'secrets'> = {
  listener: 'listeners',
  route: 'routes',
  cluster: 'clusters',
  endpoint: 'endpoints',
  secret: 'secrets',
};

/** A new snapshot with one kind's resources replaced. */
export function withResources<K extends ResourceKind>(base: ProxySnapshot, kind: K, entries: ResourceMap<K>, version: string): ProxySnapshot {
  return {
    ...base,
    [SNAPSHOT_FIELD[kind]]: entries,
    generation: ++generation,
    versions: { ...base.versions, [kind]: version },
  };
}
