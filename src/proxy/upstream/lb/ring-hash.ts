// RING_HASH (Ketama-style consistent hashing): every host owns points on a 32-bit ring in
// proportion to its weight; a request takes the first point at or after its hash. Removing a host
// only moves the requests that hashed to that host's points.

import { hashString } from '../hash.js';
import type { LbHost, LoadBalancer } from './load-balancer.js';

export class RingHashLoadBalancer<H extends LbHost> implements LoadBalancer<H> {
  private readonly ringHashes: Uint32Array;
  private readonly ringHosts: H[];

  constructor(private readonly hosts: readonly H[], minimumRingSize = 1024, maximumRingSize = 8 * 1024 * 1024) {
    const total = hosts.reduce((s, h) => s + h.weight, 0);
    if (hosts.length === 0 || total === 0) {
      this.ringHashes = new Uint32Array(0);
      this.ringHosts = [];
      return;
    }
    // Scale so the lightest host still gets a point and the ring reaches the minimum size.
    const minNormalized = Math.min(...hosts.map((h) => h.weight / total));
    const scale = Math.min(Math.ceil(minNormalized * minimumRingSize) / minNormalized, maximumRingSize);
    const points: { hash: number; host: H }[] = [];
    let target = 0;
    let placed = 0;
    for (const h of hosts) {
      target += (h.weight / total) * scale;
      const count = Math.floor(target) - placed;
      for (let i = 0; i < count; i++) points.push({ hash: hashString(`${h.key}_${i}`), host: h });
      placed += count;
    }
    points.sort((a, b) => a.hash - b.hash);
    this.ringHashes = Uint32Array.from(points.map((p) => p.hash));
    this.ringHosts = points.map((p) => p.host);
  }

  get ringSize(): number {
    return this.ringHashes.length;
  }

  pick(hash: number | undefined, attempt = 0): H | undefined {
    const n = this.ringHashes.length;
    if (n === 0) return undefined;
    const h = hash ?? (Math.random() * 0x100000000) >>> 0;
    // Binary search for the first point >= h, wrapping to the start.
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ringHashes[mid]! < h) lo = mid + 1;
      else hi = mid;
    }
    let index = lo === n ? 0 : lo;
    if (attempt === 0) return this.ringHosts[index];
    // Host-selection retries walk the ring to the attempt-th distinct host after the first.
    const seen = new Set<H>([this.ringHosts[index]!]);
    for (let step = 1; step < n && seen.size <= attempt; step++) {
      index = (index + 1) % n;
      seen.add(this.ringHosts[index]!);
    }
    return this.ringHosts[index];
  }
}
