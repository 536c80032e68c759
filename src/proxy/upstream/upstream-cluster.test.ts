// Host choice across priorities, panic mode and locality weights, without sockets (connection
// pools are only created when a request is sent).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileCluster } from '../config/cluster.js';
import { compileLoadAssignment } from '../config/load-assignment.js';
import { compile } from '../config/test-helpers.js';
import { StatsStore } from '../telemetry/stats.js';
import { UpstreamCluster } from './upstream-cluster.js';

function cluster(extra: Record<string, unknown> = {}) {
  const { value, errors } = compile(compileCluster, { name: 'c', type: 'EDS', eds_cluster_config: { eds_config: { ads: {} } }, ...extra });
  assert.deepEqual(errors, []);
  return new UpstreamCluster(value!, new StatsStore());
}

function assignment(localities: { priority?: number; weight?: number; zone?: string; hosts: [number, string?][] }[]) {
  const { value, errors } = compile(compileLoadAssignment, {
    cluster_name: 'c',
    endpoints: localities.map((l) => ({
      priority: l.priority ?? 0,
      ...(l.weight ? { load_balancing_weight: l.weight } : {}),
      locality: { zone: l.zone ?? '' },
      lb_endpoints: l.hosts.map(([port, health]) => ({ endpoint: { address: { socket_address: { address: '10.0.0.1', port_value: port } } }, health_status: health ?? 'HEALTHY' })),
    })),
  });
  assert.deepEqual(errors, []);
  return value!;
}

function shares(c: UpstreamCluster, n = 2000): Map<number, number> {
  const out = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const h = c.chooseHost(undefined, 0);
    const port = h?.port ?? 0;
    out.set(port, (out.get(port) ?? 0) + 1);
  }
  return out;
}

test('an EDS cluster has no hosts until its assignment arrives', () => {
  const c = cluster();
  assert.equal(c.chooseHost(undefined, 0), undefined);
  c.setLoadAssignment(assignment([{ hosts: [[1]] }]));
  assert.equal(c.chooseHost(undefined, 0)?.port, 1);
});

test('priority 0 takes all traffic while healthy; an unhealthy level spills to the next', () => {
  const c = cluster();
  c.setLoadAssignment(assignment([{ priority: 0, hosts: [[1], [2]] }, { priority: 1, hosts: [[3]] }]));
  assert.deepEqual([...shares(c).keys()].sort(), [1, 2]);
  // One of two healthy → health 50% × 1.4 = 70%: priority 1 takes the other 30%.
  c.setLoadAssignment(assignment([{ priority: 0, hosts: [[1], [2, 'UNHEALTHY']] }, { priority: 1, hosts: [[3]] }]));
  const s = shares(c, 4000);
  assert.equal(s.get(2), undefined);
  const p1 = (s.get(3) ?? 0) / 4000;
  assert.ok(p1 > 0.25 && p1 < 0.35, `priority 1 share ${p1}`);
});

test('panic: under the healthy threshold every host takes traffic; threshold 0 answers none', () => {
  const c = cluster();
  c.setLoadAssignment(assignment([{ hosts: [[1], [2, 'UNHEALTHY'], [3, 'UNHEALTHY']] }]));
  assert.deepEqual([...shares(c).keys()].sort(), [1, 2, 3]);
  assert.ok(c.stats.lbHealthyPanic.value > 0);
  const strict = cluster({ common_lb_config: { healthy_panic_threshold: { value: 0 } } });
  strict.setLoadAssignment(assignment([{ hosts: [[1, 'UNHEALTHY']] }]));
  assert.equal(strict.chooseHost(undefined, 0), undefined);
});

test('locality-weighted balancing splits by locality weight', () => {
  const c = cluster({ common_lb_config: { locality_weighted_lb_config: {} } });
  c.setLoadAssignment(assignment([{ zone: 'a', weight: 80, hosts: [[1], [2]] }, { zone: 'b', weight: 20, hosts: [[3]] }]));
  const s = shares(c, 4000);
  const b = (s.get(3) ?? 0) / 4000;
  assert.ok(b > 0.15 && b < 0.25, `zone b share ${b}`);
});

test('hosts keep their identity (and state) across endpoint updates', () => {
  const c = cluster();
  c.setLoadAssignment(assignment([{ hosts: [[1], [2]] }]));
  const before = c.hosts().find((h) => h.port === 1)!;
  before.requestsTotal = 7;
  c.setLoadAssignment(assignment([{ hosts: [[1], [3]] }]));
  assert.equal(c.hosts().find((h) => h.port === 1), before);
  assert.deepEqual(c.hosts().map((h) => h.port), [1, 3]);
  assert.equal(c.stats.membershipTotal.value, 2);
});

test('membership stats follow every change at once; host choice follows it on the next request', () => {
  const c = cluster({ lb_policy: 'MAGLEV' });
  c.setLoadAssignment(assignment([{ hosts: [[1], [2, 'UNHEALTHY']] }]));
  assert.deepEqual([c.stats.membershipTotal.value, c.stats.membershipHealthy.value], [2, 1]);
  assert.deepEqual([...shares(c, 200).keys()], [1]);
  c.setLoadAssignment(assignment([{ hosts: [[2], [5], [4, 'UNHEALTHY']] }]));
  assert.deepEqual([c.stats.membershipTotal.value, c.stats.membershipHealthy.value], [3, 2]);
  assert.deepEqual([...shares(c, 200).keys()].sort(), [2, 5]);
});

test('circuit-breaker counters carry the thresholds of the config in force when first used', () => {
  const c = cluster({ circuit_breakers: { thresholds: [{ max_requests: 7 }] } });
  const { value } = compile(compileCluster, { name: 'c', type: 'EDS', eds_cluster_config: { eds_config: { ads: {} } }, circuit_breakers: { thresholds: [{ max_requests: 3 }] } });
  c.updateConfig(value!);
  assert.equal(c.resources.requests.max, 3);
  c.resources.requests.inc();
  c.updateConfig(cluster({ circuit_breakers: { thresholds: [{ max_requests: 5 }] } }).config);
  assert.deepEqual([c.resources.requests.max, c.resources.requests.current], [5, 1]);
});
