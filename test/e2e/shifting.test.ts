// Istio's traffic-shifting task: weighted routes between reviews subsets, and the getting-started
// tutorial's customers app (70/30 between v1 and v2, `user: debug` always to v2).
//
// Tolerance: a weighted route sends each request to a subset independently, so the count for a
// subset over n requests is binomial(n, weight). Each check accepts mean ± 5σ (binomialRange), a
// range a correct split leaves with odds of about 1 in 1.7 million, while the nearest wrong split
// the test must catch (another task's weights, or all traffic on one subset) lies outside it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startMeshHarness, type MeshHarness } from '../testkit/mesh-harness.js';
import { binomialRange, repeat, tally } from '../testkit/mesh-http.js';

let h: MeshHarness;
before(async () => {
  h = await startMeshHarness({ extraFiles: ['samples/customers/customers.yaml'], extraPods: 3 });
  await h.apply(['samples/bookinfo/networking/destination-rule-all.yaml']);
}, { timeout: 240_000 });
after(async () => { await h?.stop(); });

/** Asserts that `count` of `n` fits a binomial split at `weight` percent, naming what was seen. */
function assertShare(count: number, n: number, weight: number, what: string, seen: unknown): void {
  const { min, max } = binomialRange(n, weight / 100);
  assert.ok(count >= min && count <= max, `${what}: ${count} of ${n}, expected ${min}..${max} (${weight}% ± 5σ); saw ${JSON.stringify(seen)}`);
}

describe('weighted routing between reviews subsets', { timeout: 300_000 }, () => {
  // n per split: enough that mean − 5σ of the smaller subset stays above zero and the range
  // excludes the neighbouring splits (80/20 vs 50/50, 90/10 vs 100/0 and 80/20).
  const cases = [
    { file: 'virtual-service-reviews-80-20.yaml', n: 200, shares: { v1: 80, v2: 20 } },
    { file: 'virtual-service-reviews-50-v3.yaml', n: 200, shares: { v1: 50, v3: 50 } },
    { file: 'virtual-service-reviews-90-10.yaml', n: 300, shares: { v1: 90, v2: 10 } },
  ];
  for (const c of cases) {
    test(`${c.file}: ${Object.entries(c.shares).map(([v, w]) => `${w}% ${v}`).join(', ')}`, async () => {
      await h.apply([`samples/bookinfo/networking/${c.file}`]);
      const versions = await h.reviewsApiVersions(c.n, { concurrency: 8 });
      const seen = tally(versions);
      assert.deepEqual(Object.keys(seen).filter((v) => !(v in c.shares)), [], `only the routed subsets answer: ${JSON.stringify(seen)}`);
      for (const [version, weight] of Object.entries(c.shares)) assertShare(seen[version] ?? 0, c.n, weight, `reviews-${version}`, seen);
    });
  }
});

describe('the customers app (getting-started tutorial)', { timeout: 300_000 }, () => {
  before(async () => {
    await h.apply(['samples/customers/customers-routing.yaml']);
    // Exposed on the Bookinfo gateway's listener under its own host, next to Bookinfo's `*`.
    await h.applyYaml(`apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: web-frontend
spec:
  hosts:
  - customers.example.com
  gateways:
  - bookinfo-gateway
  http:
  - route:
    - destination:
        host: web-frontend.default.svc.cluster.local
        port:
          number: 80
`);
  });

  /** Which customers version rendered the page: v2's table has a CITY column. */
  async function customersVersion(headers: Record<string, string> = {}): Promise<string> {
    const r = await h.gatewayGet('/', { host: 'customers.example.com', headers });
    assert.equal(r.status, 200, r.body);
    assert.match(r.body, /<td>Jewel Schaefer<\/td>/, r.body);
    return r.body.includes('<th>CITY</th>') ? 'v2' : 'v1';
  }

  test('customers-routing.yaml: 70% of pages from customers v1, 30% from v2', async () => {
    const n = 200;
    const seen = tally(await repeat(n, 8, () => customersVersion()));
    assertShare(seen.v2 ?? 0, n, 30, 'customers-v2', seen);
  });

  test('`user: debug` always reaches customers v2', async () => {
    assert.deepEqual(tally(await repeat(30, 6, () => customersVersion({ user: 'debug' }))), { v2: 30 });
  });

  test('Bookinfo still answers for every other host on the same listener', async () => {
    assert.equal((await h.gatewayGet('/productpage', { host: 'bookinfo.example.com' })).status, 200);
    assert.equal((await h.gatewayGet('/', { host: 'bookinfo.example.com' })).status, 404);
  });
});
