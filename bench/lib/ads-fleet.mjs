// A fleet of simulated sidecars on one ADS server, and the measurement of one config change:
// the time from the `apply` to each proxy's ACK of the last response that carried the change.
import { performance } from 'node:perf_hooks';
import { sleep } from './processes.mjs';
import { AdsProxy } from './ads-client.mjs';

/** `sidecar~127.0.X.Y~client-N.NS~NS.svc.cluster.local`, a distinct loopback IP per proxy (an identifier only). */
function nodeIdFor(i, namespace) {
  const n = i + 1;
  return `sidecar~127.0.${Math.floor(n / 250)}.${(n % 250) + 1}~bench-client-${i}.${namespace}~${namespace}.svc.cluster.local`;
}

export function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export class AdsFleet {
  constructor({ xds, address, count, namespace }) {
    this.lastActivity = performance.now();
    const onActivity = () => {
      this.lastActivity = performance.now();
    };
    this.proxies = Array.from({ length: count }, (_, i) => new AdsProxy({ xds, address, nodeId: nodeIdFor(i, namespace), namespace, onActivity }));
  }

  /** Opens every stream at once (a control plane restart looks like this) and waits until all are synced. */
  async connect(timeoutMs) {
    const started = performance.now();
    for (const p of this.proxies) p.connect();
    while (performance.now() - started < timeoutMs) {
      if (this.proxies.every((p) => p.synced())) return { seconds: (performance.now() - started) / 1000 };
      const failed = this.proxies.filter((p) => p.streamError);
      if (failed.length > 0) throw new Error(`${failed.length} ADS streams failed; first: ${failed[0].streamError}`);
      await sleep(50);
    }
    const behind = this.proxies.filter((p) => !p.synced());
    const sample = behind[0];
    const state = sample ? [...sample.types].map(([t, s]) => `${t.split('.').pop()}: acked ${s.acked}, ${s.names.length} names`).join('; ') : '';
    throw new Error(`${behind.length} of ${this.proxies.length} proxies had not received and ACKed CDS, EDS, LDS and RDS after ${timeoutMs / 1000}s (first: ${state || 'no response at all'})`);
  }

  /** Waits until no response arrived for `quietMs` (or `timeoutMs` passed); returns whether it settled. */
  async quiesce(quietMs, timeoutMs) {
    const started = performance.now();
    while (performance.now() - started < timeoutMs) {
      if (performance.now() - this.lastActivity >= quietMs) return true;
      await sleep(Math.min(100, quietMs / 4));
    }
    return false;
  }

  /**
   * Runs `apply()` and measures, per proxy, the time from just before it to the ACK of the last
   * response whose version differs from what that proxy ran before (the version that reflects
   * the apply). Proxies that got nothing new are counted, not timed.
   */
  async measureChange(apply, { quietMs = 1500, timeoutMs = 60_000 } = {}) {
    const before = this.proxies.map((p) => p.versions());
    const ackCounts = this.proxies.map((p) => p.acks.length);
    const t0 = performance.now();
    await apply();
    const applyMs = performance.now() - t0;
    // The change is over when the fleet has been quiet for quietMs after the apply returned.
    this.lastActivity = Math.max(this.lastActivity, performance.now());
    const settled = await this.quiesce(quietMs, timeoutMs);
    const times = [];
    let unchanged = 0;
    this.proxies.forEach((p, i) => {
      let last;
      for (const ack of p.acks.slice(ackCounts[i])) {
        if (ack.version !== before[i].get(ack.typeUrl)) last = ack.at;
      }
      if (last === undefined) unchanged += 1;
      else times.push(last - t0);
    });
    times.sort((a, b) => a - b);
    if (process.env.ADS_BENCH_TIMELINE) {
      const buckets = new Map();
      for (const t of times) buckets.set(Math.floor(t / 50) * 50, (buckets.get(Math.floor(t / 50) * 50) ?? 0) + 1);
      process.stderr.write(`ACKs per 50 ms from the apply: ${[...buckets].map(([b, n]) => `${b}:${n}`).join(' ')}\n`);
    }
    return { times, unchanged, settled, applyMs };
  }

  streamErrors() {
    return this.proxies.filter((p) => p.streamError).length;
  }

  nacks() {
    return this.proxies.reduce((a, p) => a + p.nacks.length, 0);
  }

  close() {
    for (const p of this.proxies) p.close();
  }
}
