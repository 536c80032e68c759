// One case suite every load balancer passes, then the properties specific to each family.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LbPolicy } from '../../config/cluster.js';
import { createLoadBalancer } from './factory.js';
import { DEFAULT_LB_OPTIONS, type LbHost } from './load-balancer.js';
import { hashString } from '../hash.js';

interface TestHost extends LbHost {
  activeRequests: number;
}

function hosts(n: number, weights?: number[]): TestHost[] {
  return Array.from({ length: n }, (_, i) => ({ key: `10.0.0.${i + 1}:9080`, weight: weights?.[i] ?? 1, activeRequests: 0 }));
}

const POLICIES: LbPolicy[] = ['ROUND_ROBIN', 'LEAST_REQUEST', 'RANDOM', 'RING_HASH', 'MAGLEV'];
const SMALL = { ...DEFAULT_LB_OPTIONS, maglevTableSize: 1021 };

function counts(policy: LbPolicy, set: TestHost[], n: number, hashOf?: (i: number) => number): Map<string, number> {
  const lb = createLoadBalancer(policy, set, SMALL);
  const out = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const h = lb.pick(hashOf?.(i), 0)!;
    out.set(h.key, (out.get(h.key) ?? 0) + 1);
  }
  return out;
}

for (const policy of POLICIES) {
  test(`${policy}: an empty host set picks nothing`, () => {
    assert.equal(createLoadBalancer(policy, [], SMALL).pick(123, 0), undefined);
  });

  test(`${policy}: a single host is always picked`, () => {
    const set = hosts(1);
    const lb = createLoadBalancer(policy, set, SMALL);
    for (let i = 0; i < 20; i++) assert.equal(lb.pick(i * 7919, 0), set[0]);
  });

  test(`${policy}: picks only from the set and spreads over every host`, () => {
    const set = hosts(4);
    // Distinct request hashes, so consistent-hash policies spread too.
    const c = counts(policy, set, 4000, (i) => hashString(`client-${i}`));
    assert.deepEqual([...c.keys()].sort(), set.map((h) => h.key).sort());
    // Each host gets its share within a wide tolerance (1000 expected each).
    for (const v of c.values()) assert.ok(v > 600 && v < 1400, `${policy} share ${v} out of 4000`);
  });

  test(`${policy}: weights shift the share (3:1 within tolerance)`, () => {
    const set = hosts(2, [3, 1]);
    const c = counts(policy, set, 8000, (i) => hashString(`client-${i}`));
    const heavy = c.get(set[0]!.key)! / 8000;
    assert.ok(heavy > 0.65 && heavy < 0.85, `${policy} heavy share ${heavy}`);
  });
}

for (const policy of ['RING_HASH', 'MAGLEV'] as const) {
  test(`${policy}: the same hash always picks the same host`, () => {
    const lb = createLoadBalancer(policy, hosts(5), SMALL);
    for (let i = 0; i < 50; i++) {
      const hash = hashString(`user-${i}`);
      assert.equal(lb.pick(hash, 0), lb.pick(hash, 0));
    }
  });

  test(`${policy}: removing a host only moves the keys it owned (mostly)`, () => {
    const before = hosts(5);
    const after = before.slice(0, 4);
    const lbBefore = createLoadBalancer(policy, before, SMALL);
    const lbAfter = createLoadBalancer(policy, after, SMALL);
    let moved = 0;
    let stayedKeys = 0;
    for (let i = 0; i < 2000; i++) {
      const hash = hashString(`user-${i}`);
      const a = lbBefore.pick(hash, 0)!;
      if (a.key === before[4]!.key) continue;
      stayedKeys++;
      if (lbAfter.pick(hash, 0)!.key !== a.key) moved++;
    }
    // The ring keeps its minimum size, so survivors gain points and take some keys; a modulo
    // hash would move about 80% of them.
    assert.ok(moved / stayedKeys < 0.25, `${policy} moved ${moved} of ${stayedKeys}`);
  });

  test(`${policy}: a host-selection retry can reach another host`, () => {
    const lb = createLoadBalancer(policy, hosts(3), SMALL);
    let different = 0;
    for (let i = 0; i < 100; i++) {
      const hash = hashString(`k${i}`);
      if (lb.pick(hash, 1) !== lb.pick(hash, 0)) different++;
    }
    assert.ok(different > 50, `only ${different} retries moved`);
  });
}

test('LEAST_REQUEST: prefers the host with fewer requests in flight', () => {
  const set = hosts(2);
  set[0]!.activeRequests = 10;
  const c = counts('LEAST_REQUEST', set, 1000);
  // Two random choices find the idle host unless both samples hit the busy one (1 in 4).
  assert.ok(c.get(set[1]!.key)! > 650, `idle host got ${c.get(set[1]!.key)}`);
});

test('ROUND_ROBIN: equal weights rotate strictly', () => {
  const set = hosts(3);
  const lb = createLoadBalancer('ROUND_ROBIN', set, SMALL);
  const first = lb.pick(undefined, 0)!;
  const i = set.indexOf(first as TestHost);
  assert.equal(lb.pick(undefined, 0), set[(i + 1) % 3]);
  assert.equal(lb.pick(undefined, 0), set[(i + 2) % 3]);
  assert.equal(lb.pick(undefined, 0), first);
});
