// MAGLEV: Google's Maglev lookup table (NSDI '16). Each host fills table slots following its own
// permutation (offset, skip from two hashes of its key); weighted hosts take turns in proportion to
// their weight. Lookup is one array index. Table size must be prime.

import { hashString } from '../hash.js';
import type { LbHost, LoadBalancer } from './load-balancer.js';

export class MaglevLoadBalancer<H extends LbHost> implements LoadBalancer<H> {
  private readonly table: H[];

  constructor(hosts: readonly H[], tableSize = 65537) {
    this.table = [];
    if (hosts.length === 0) return;
    const m = tableSize;
    const offsets = hosts.map((h) => hashString(h.key, 0) % m);
    const skips = hosts.map((h) => (hashString(h.key, 0x9e3779b9) % (m - 1)) + 1);
    const next = new Array<number>(hosts.length).fill(0);
    const maxWeight = Math.max(...hosts.map((h) => h.weight));
    const credit = new Float64Array(hosts.length);
    const table = new Array<H | undefined>(m);
    let filled = 0;
    for (let iteration = 0; filled < m; iteration++) {
      for (let i = 0; i < hosts.length && filled < m; i++) {
        // A host with half the top weight fills a slot every other round.
        credit[i]! += hosts[i]!.weight / maxWeight;
        if (credit[i]! < 1) continue;
        credit[i]! -= 1;
        let slot = (offsets[i]! + next[i]! * skips[i]!) % m;
        while (table[slot] !== undefined) {
          next[i]!++;
          slot = (offsets[i]! + next[i]! * skips[i]!) % m;
        }
        table[slot] = hosts[i];
        next[i]!++;
        filled++;
      }
    }
    this.table = table as H[];
  }

  pick(hash: number | undefined, attempt = 0): H | undefined {
    const m = this.table.length;
    if (m === 0) return undefined;
    const h = hash ?? (Math.random() * 0x100000000) >>> 0;
    // A retry moves to a neighbouring slot, which usually belongs to another host.
    return this.table[(h + attempt * 7919) % m];
  }
}
