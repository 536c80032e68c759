import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileOutlierDetection } from '../config/outlier-detection.js';
import { compile } from '../config/test-helpers.js';
import { StatsStore } from '../telemetry/stats.js';
import { clusterStats } from './cluster-stats.js';
import { Host } from './host.js';
import { OutlierDetector } from './outlier-detector.js';

function setup(config: Record<string, unknown>, n = 4) {
  const { value, errors } = compile(compileOutlierDetection, config);
  assert.deepEqual(errors, []);
  const hosts = Array.from({ length: n }, (_, i) => new Host('10.0.0.' + (i + 1), 9080));
  let changes = 0;
  const stats = clusterStats(new StatsStore(), 'c').outlier;
  const d = new OutlierDetector(value!, { hosts: () => hosts, onHostHealthChanged: () => changes++ }, stats, false);
  let now = 1_000_000;
  d.now = () => now;
  d.roll = () => 0;
  return { d, hosts, stats, advance: (ms: number) => (now += ms), changes: () => changes };
}

test('consecutive 5xx ejects; a success in between resets the streak', () => {
  const { d, hosts, stats } = setup({ consecutive_5xx: 3, max_ejection_percent: 100 });
  const h = hosts[0]!;
  d.reportStatus(h, 500);
  d.reportStatus(h, 500);
  d.reportStatus(h, 200);
  d.reportStatus(h, 500);
  d.reportStatus(h, 500);
  assert.equal(h.ejected, false);
  d.reportStatus(h, 503);
  assert.equal(h.ejected, true);
  assert.equal(stats.ejectionsActive.value, 1);
  assert.equal(stats.ejectionsConsecutive5xx.value, 1);
});

test('ejection lasts base_ejection_time × ejections, checked on interval ticks', () => {
  const { d, hosts, advance } = setup({ consecutive_5xx: 1, base_ejection_time: '30s', interval: '10s', max_ejection_percent: 100 });
  const h = hosts[0]!;
  d.reportStatus(h, 500);
  advance(29_000);
  d.onInterval();
  assert.equal(h.ejected, true);
  advance(1_000);
  d.onInterval();
  assert.equal(h.ejected, false);
  d.reportStatus(h, 500);
  advance(59_000);
  d.onInterval();
  assert.equal(h.ejected, true, 'second ejection lasts 60s');
  advance(1_000);
  d.onInterval();
  assert.equal(h.ejected, false);
});

test('max_ejection_percent caps ejections (10% of 4 hosts ejects none, unless always_eject_one_host)', () => {
  const capped = setup({ consecutive_5xx: 1 });
  capped.d.reportStatus(capped.hosts[0]!, 500);
  assert.equal(capped.hosts[0]!.ejected, false);
  assert.equal(capped.stats.ejectionsOverflow.value, 1);
  const one = setup({ consecutive_5xx: 1, always_eject_one_host: true });
  one.d.reportStatus(one.hosts[0]!, 500);
  one.d.reportStatus(one.hosts[1]!, 500);
  assert.deepEqual(one.hosts.map((h) => h.ejected), [true, false, false, false]);
});

test('gateway failures need enforcing_consecutive_gateway_failure (off by default)', () => {
  const off = setup({ consecutive_5xx: 0, consecutive_gateway_failure: 2, max_ejection_percent: 100 });
  off.d.reportStatus(off.hosts[0]!, 502);
  off.d.reportStatus(off.hosts[0]!, 502);
  assert.equal(off.hosts[0]!.ejected, false);
  const on = setup({ consecutive_5xx: 0, consecutive_gateway_failure: 2, enforcing_consecutive_gateway_failure: 100, max_ejection_percent: 100 });
  on.d.reportLocalOriginFailure(on.hosts[0]!, 'connect-failure');
  on.d.reportStatus(on.hosts[0]!, 504);
  assert.equal(on.hosts[0]!.ejected, true);
});

test('success rate ejects a host far below the others', () => {
  const { d, hosts } = setup({ consecutive_5xx: 0, success_rate_minimum_hosts: 3, success_rate_request_volume: 10, success_rate_stdev_factor: 1000, max_ejection_percent: 100 }, 5);
  for (const [i, h] of hosts.entries()) for (let k = 0; k < 20; k++) d.reportStatus(h, i === 0 && k < 15 ? 500 : 200);
  d.onInterval();
  assert.deepEqual(hosts.map((h) => h.ejected), [true, false, false, false, false]);
});
