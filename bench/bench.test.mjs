// Checks of the harness's pure parts: `node --test bench/` (not part of `npm test`, like the
// benchmarks themselves). The bootstrap check uses the compiled proxy, so it needs `npm run build`.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { parseWrk } from './lib/wrk.mjs';
import { evaluate } from './lib/report.mjs';
import { outboundSidecar, inboundSidecar } from './targets/skiff-config.mjs';

const WRK_OUTPUT = `Running 10s test @ http://127.0.0.1:8080/
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   512.00us  100.00us   5.00ms   90.00%
    Req/Sec    12.00k     1.00k   14.00k    70.00%
  240000 requests in 10.00s, 300.00MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 5
Requests/sec:  24000.50
Transfer/sec:     30.00MB
`;

const measured = (rps, p50, p99, cpu = 0.1) => ({ rps_max: rps, p50_ms: p50, p90_ms: p50, p99_ms: p99, cpu_vcpu_per_1000rps: cpu, rss_mb: 10 });

describe('parseWrk', () => {
  it('reads throughput, totals and errors', () => {
    assert.deepEqual(parseWrk(WRK_OUTPUT), { rps: 24000.5, requests: 240000, seconds: 10, socketErrors: 3, non2xx: 5 });
  });
  it('refuses output without a summary, quoting it', () => {
    assert.throws(() => parseWrk('unable to connect to 127.0.0.1:1 Connection refused'), /Connection refused/);
  });
});

describe('evaluate', () => {
  it('compares added latency and throughput with nginx', () => {
    const { comparisons, targets } = evaluate({
      direct: measured(50000, 0.2, 1.0),
      skiff: measured(9000, 0.5, 2.0, 0.12),
      nginx: measured(20000, 0.4, 2.0),
    }, 55);
    assert.equal(comparisons.skiff_added_latency_vs_nginx.p50, 1.5);
    assert.equal(targets.added_latency_p50_vs_nginx.met, true);
    assert.equal(targets.added_latency_p99_vs_nginx.met, true);
    assert.equal(targets.rps_max_vs_nginx.value, 0.45);
    assert.equal(targets.rps_max_vs_nginx.met, false);
    assert.equal(targets.cpu_vcpu_per_1000rps.met, true);
    assert.equal(targets.rss_mb_1000_services.met, true);
  });
  it('says why a target was not measured instead of scoring it', () => {
    const { targets } = evaluate({ direct: measured(50000, 0.2, 1), skiff: { error: 'no proxy' }, nginx: measured(20000, 0.1, 1) }, { error: 'no proxy' });
    assert.equal(targets.cpu_vcpu_per_1000rps.met, null);
    assert.match(targets.cpu_vcpu_per_1000rps.reason, /no proxy/);
    assert.equal(targets.rss_mb_1000_services.reason, 'no proxy');
  });
  it('takes no ratio when nginx added nothing measurable', () => {
    const { targets } = evaluate({ direct: measured(50000, 0.3, 1), skiff: measured(9000, 0.5, 2), nginx: measured(20000, 0.3, 1) }, 50);
    assert.equal(targets.added_latency_p50_vs_nginx.met, null);
    assert.match(targets.added_latency_p50_vs_nginx.reason, /no positive baseline/);
  });
});

const configSource = new URL('../dist/src/proxy/config-source.js', import.meta.url);
describe('Skiff bootstraps', { skip: existsSync(configSource) ? false : 'dist/src/proxy is not built' }, () => {
  it('are accepted whole by the proxy (1,000 services and the inbound sidecar)', async () => {
    const { buildSnapshot } = await import(configSource.href);
    const { EMPTY_SNAPSHOT } = await import(new URL('../dist/src/proxy/config/snapshot.js', import.meta.url).href);
    const bootstraps = [
      outboundSidecar({ pod: 'c', port: 15001, adminPort: 15000, target: ['127.0.0.1', 8080], accessLogPath: '/dev/null', extraServices: 1000 }),
      inboundSidecar({ pod: 's', port: 15006, adminPort: 15000, app: ['127.0.0.1', 8080], accessLogPath: '/dev/null' }),
    ];
    for (const b of bootstraps) {
      const { snapshot, errors } = buildSnapshot(EMPTY_SNAPSHOT, b.static_resources, '1');
      assert.deepEqual(errors, []);
      assert.equal(snapshot.clusters.size, b.static_resources.clusters.length);
      assert.equal(snapshot.listeners.size, 1);
    }
  });
});
