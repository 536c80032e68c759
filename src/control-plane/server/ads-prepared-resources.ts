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

/**
 * The resources of a named subscription, dropping those the proxy did not ask for. The list comes
 * back as it was when every resource is wanted (the usual case), keeping its identity.
 */
export function onlyWanted(resources: readonly XdsResource[], names: readonly string[]): readonly XdsResource[] {
  const wanted = new Set(names);
  return resources.every((r) => wanted.has(r.name)) ? resources : resources.filter((r) => wanted.has(r.name));
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

export class PreparedResourceCache {
  private readonly byList = new WeakMap<readonly XdsResource[], PreparedResources>();

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
