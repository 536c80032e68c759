// Istio's request-routing task on Bookinfo: route everything to v1, then route by user identity
// (the `end-user` header productpage sets for a signed-in user).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startMeshHarness, type MeshHarness } from '../testkit/mesh-harness.js';
import { tally } from '../testkit/mesh-http.js';

let h: MeshHarness;
before(async () => {
  h = await startMeshHarness();
  await h.apply(['samples/bookinfo/networking/destination-rule-all.yaml']);
}, { timeout: 240_000 });
after(async () => { await h?.stop(); });

describe('request routing', { timeout: 300_000 }, () => {
  test('virtual-service-all-v1: every page is served by reviews-v1, without stars', async () => {
    await h.apply(['samples/bookinfo/networking/virtual-service-all-v1.yaml']);
    // Were v2 or v3 still reachable at 1/3 each, 50 pages would all be v1 with odds (1/3)^50.
    assert.deepEqual(await h.countVersions(50), { v1: 50, v2: 0, v3: 0, black: 0, red: 0, unavailable: 0 });
  });

  test('virtual-service-reviews-test-v2: jason sees v2 (black stars) every time, anonymous users v1', async () => {
    await h.apply(['samples/bookinfo/networking/virtual-service-reviews-test-v2.yaml']);
    const jason = await h.login('jason');
    const page = await h.gatewayGet('/productpage', { cookie: jason });
    assert.match(page.body, /jason/, 'the page shows who is signed in');
    assert.deepEqual(await h.countVersions(30, { cookie: jason }), { v1: 0, v2: 30, v3: 0, black: 30, red: 0, unavailable: 0 });
    assert.deepEqual(await h.countVersions(30), { v1: 30, v2: 0, v3: 0, black: 0, red: 0, unavailable: 0 });
    // Another user is not jason: the header match is exact.
    assert.deepEqual(await h.countVersions(10, { cookie: await h.login('jason2') }), { v1: 10, v2: 0, v3: 0, black: 0, red: 0, unavailable: 0 });
    // Signing out ends the session: back to v1.
    const out = await h.gatewayGet('/logout', { cookie: jason });
    assert.equal(out.status, 302);
    assert.match(String(out.headers['set-cookie']), /session=;/);
  });

  test('virtual-service-reviews-jason-v2-v3: jason gets v2, everyone else v3 (red stars)', async () => {
    await h.apply(['samples/bookinfo/networking/virtual-service-reviews-jason-v2-v3.yaml']);
    const jason = await h.login('jason');
    assert.deepEqual(await h.countVersions(30, { cookie: jason }), { v1: 0, v2: 30, v3: 0, black: 30, red: 0, unavailable: 0 });
    assert.deepEqual(await h.countVersions(30), { v1: 0, v2: 0, v3: 30, black: 0, red: 30, unavailable: 0 });
  });

  test('deleting the reviews VirtualService brings back all three versions', async () => {
    await h.deleteConfig('virtualservice', 'reviews');
    const pages = [];
    while (pages.length < 90 && new Set(pages.map((p) => p.version)).size < 3) pages.push(...await h.productPages(15));
    assert.deepEqual(Object.keys(tally(pages.map((p) => p.version))).sort(), ['v1', 'v2', 'v3']);
  });
});
