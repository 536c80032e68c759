// What the server derives from a generated resource list before sending it: the packed Anys, the
// list as recorded for config dumps, and the digest that tells whether a proxy already has it.
// Generators hand proxies that see a push alike the same list (the PilotXdsGenerator's XdsCache),
// so all of this is kept by the list's identity and done once per push per distinct list, not once
// per proxy: with 1,000 sidecars, hashing and packing every proxy's copy cost more than the push.

import { createHash } from 'node:crypto';
import type { PackedAny } from '../../xds/index.js';
import type { SentResource } from './ads-connection.js';
import type { EncodedResourceCache } from './ads-resource-cache.js';
import type { XdsResource } from './ads-types.js';

export interface PreparedResources {
  readonly typeUrl: string;
  /** Shared by every response carrying this list, so its wire encoding is reused too. */
  readonly packed: readonly PackedAny[];
  readonly sent: readonly SentResource[];
  /** Of names and encoded bytes, independent of the order resources were generated in. */
  readonly digest: string;
}

/** A watch keeps its names list until its subscription changes: its set is built once. */
const wantedSets = new WeakMap<readonly string[], ReadonlySet<string>>();
/** Proxies with the same subscription filter a shared list alike: the last answer per list. */
const lastFiltered = new WeakMap<readonly XdsResource[], { readonly names: readonly string[]; readonly result: readonly XdsResource[] }>();

/**
 * The resources of a named subscription, dropping those the proxy did not ask for. The list comes
 * back as it was when every resource is wanted (the usual case), keeping its identity.
 */
export function onlyWanted(resources: readonly XdsResource[], names: readonly string[]): readonly XdsResource[] {
  const last = lastFiltered.get(resources);
  if (last?.names === names) return last.result;
  let wanted = wantedSets.get(names);
  if (!wanted) {
    wanted = new Set(names);
    wantedSets.set(names, wanted);
  }
  const has = wanted;
  const result = resources.every((r) => has.has(r.name)) ? resources : resources.filter((r) => has.has(r.name));
  lastFiltered.set(resources, { names, result });
  return result;
}

function digestOf(resources: readonly XdsResource[], packed: readonly PackedAny[]): string {
  const order = resources.map((_, i) => i).sort((a, b) => (resources[a]!.name < resources[b]!.name ? -1 : resources[a]!.name > resources[b]!.name ? 1 : a - b));
  const hash = createHash('sha256');
  for (const i of order) {
    hash.update(resources[i]!.name);
    hash.update('\0');
    hash.update(packed[i]!.value);
    hash.update('\0');
  }
  return hash.digest('hex');
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));
}

export class PreparedResourceCache {
  private readonly byList = new WeakMap<readonly XdsResource[], PreparedResources>();
  private readonly byName = new WeakMap<readonly SentResource[], ReadonlyMap<string, PackedAny>>();
  private readonly changes = new WeakMap<PreparedResources, WeakMap<readonly SentResource[], readonly PackedAny[] | null>>();

  /**
   * The resources of `prepared` whose encoding differs from what was `sent`, for a response that
   * updates only those (state-of-the-world EDS and RDS responses may leave resources out; they keep
   * their last version). Undefined when the set of names changed, which only a whole response
   * expresses. Proxies that were sent the same list share the answer, and its wire encoding.
   */
  changedSince(prepared: PreparedResources, sent: readonly SentResource[]): readonly PackedAny[] | undefined {
    let bySent = this.changes.get(prepared);
    if (!bySent) {
      bySent = new WeakMap();
      this.changes.set(prepared, bySent);
    }
    let changed = bySent.get(sent);
    if (changed === undefined) {
      changed = this.diff(prepared, sent);
      bySent.set(sent, changed);
    }
    return changed ?? undefined;
  }

  private diff(prepared: PreparedResources, sent: readonly SentResource[]): readonly PackedAny[] | null {
    let previous = this.byName.get(sent);
    if (!previous) {
      previous = new Map(sent.map((r) => [r.name, r.resource]));
      this.byName.set(sent, previous);
    }
    if (previous.size !== prepared.sent.length || previous.size !== sent.length) return null;
    const changed: PackedAny[] = [];
    for (const r of prepared.sent) {
      const before = previous.get(r.name);
      if (!before) return null;
      if (before !== r.resource && !sameBytes(before.value, r.resource.value)) changed.push(r.resource);
    }
    return changed.length > 0 ? Object.freeze(changed) : null;
  }

  constructor(private readonly encoded: EncodedResourceCache) {}

  /** Packs and digests `resources` as `typeUrl`; an encoding error names the resource. */
  get(typeUrl: string, resources: readonly XdsResource[]): PreparedResources {
    const cached = this.byList.get(resources);
    if (cached && cached.typeUrl === typeUrl) return cached;
    const packed = Object.freeze(resources.map((r) => {
      try {
        return this.encoded.pack(typeUrl, r.resource);
      } catch (e) {
        throw new Error(`resource "${r.name}": ${(e as Error).message}`);
      }
    }));
    const prepared: PreparedResources = {
      typeUrl,
      packed,
      sent: Object.freeze(resources.map((r, i) => ({ name: r.name, resource: packed[i]! }))),
      digest: digestOf(resources, packed),
    };
    this.byList.set(resources, prepared);
    return prepared;
  }
}
