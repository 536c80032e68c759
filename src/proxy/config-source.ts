// Where the proxy's configuration comes from. The ADS client is one source; tests and embedders
// can drive the proxy directly with StaticConfigSource. A source hands over complete snapshots.

import { compileResource, formatResourceErrors, type ResourceKind } from './config/resources.js';
import { EMPTY_SNAPSHOT, withResources, type ProxySnapshot, type ResourceEntry } from './config/snapshot.js';

export interface ProxyConfigSource {
  /** Starts delivering snapshots to `apply`; it may be called at once or later, many times. */
  start(apply: (snapshot: ProxySnapshot) => void | Promise<void>): void;
  stop(): Promise<void>;
}

/** Envoy v3 resources in proto3 JSON, by kind. */
export interface ProxyResources {
  listeners?: unknown[];
  routes?: unknown[];
  clusters?: unknown[];
  endpoints?: unknown[];
  secrets?: unknown[];
}

const KINDS: [keyof ProxyResources, ResourceKind][] = [
  ['secrets', 'secret'],
  ['clusters', 'cluster'],
  ['endpoints', 'endpoint'],
  ['routes', 'route'],
  ['listeners', 'listener'],
];

/** Compiles resources into a snapshot; errors are one line per problem, naming resource and field. */
export function buildSnapshot(base: ProxySnapshot, resources: ProxyResources, version: string): { snapshot: ProxySnapshot; errors: string[] } {
  const errors: string[] = [];
  let snapshot = base;
  const now = new Date().toISOString();
  for (const [field, kind] of KINDS) {
    const list = resources[field];
    if (!list) continue;
    const entries = new Map<string, ResourceEntry<never>>();
    for (const raw of list) {
      const r = compileResource(kind, raw);
      if (!r.ok) errors.push(formatResourceErrors(kind, r.name, r.errors));
      else entries.set(r.name, { name: r.name, version, raw, value: r.value as never, lastUpdated: now });
    }
    snapshot = withResources(snapshot, kind, entries, version);
  }
  return { snapshot, errors };
}

/** A config source fed directly with resources (tests, `skiff proxy --config file`). */
export class StaticConfigSource implements ProxyConfigSource {
  private current: ProxySnapshot = EMPTY_SNAPSHOT;
  private apply: ((s: ProxySnapshot) => void | Promise<void>) | undefined;
  private version = 0;

  constructor(resources?: ProxyResources) {
    if (resources) this.mustUpdate(resources);
  }

  start(apply: (snapshot: ProxySnapshot) => void | Promise<void>): void {
    this.apply = apply;
    void apply(this.current);
  }

  async stop(): Promise<void> {
    this.apply = undefined;
  }

  /**
   * Replaces the kinds present in `resources`. All-or-nothing: with any error nothing changes and
   * the errors are returned.
   */
  async update(resources: ProxyResources): Promise<string[]> {
    const { snapshot, errors } = buildSnapshot(this.current, resources, String(++this.version));
    if (errors.length > 0) return errors;
    this.current = snapshot;
    await this.apply?.(snapshot);
    return [];
  }

  private mustUpdate(resources: ProxyResources): void {
    const { snapshot, errors } = buildSnapshot(this.current, resources, String(++this.version));
    if (errors.length > 0) throw new Error(`invalid proxy configuration:\n${errors.join('\n')}`);
    this.current = snapshot;
  }
}
