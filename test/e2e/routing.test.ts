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

describe('request routing', { timeout: 180_000 }, () => {
  test('virtual-service-all-v1: every page is served by reviews-v1, without stars', async () => {
    await h.apply(['samples/bookinfo/networking/virtual-service-all-v1.yaml']);
    // Were v2 or v3 still reachable at 1/3 each, 50 pages would all be v1 with odds (1/3)^50.
    const pages = await h.productPages(50);
    assert.deepEqual(tally(pages.map((p) => p.version)), { v1: 50 });
    assert.deepEqual(tally(pages.map((p) => p.stars)), { none: 50 });
  });

  test('virtual-service-reviews-test-v2: jason sees v2 (black stars) every time, anonymous users v1', async () => {
    await h.apply(['samples/bookinfo/networking/virtual-service-reviews-test-v2.yaml']);
    const jason = await h.login('jason');
    const page = await h.gatewayGet('/productpage', { cookie: jason });
    assert.match(page.body, /jason/, 'the page shows who is signed in');
    const signedIn = await h.productPages(30, { cookie: jason });
    assert.deepEqual(tally(signedIn.map((p) => `${p.version}/${p.stars ?? 'no stars'}`)), { 'v2/black': 30 });
    const anonymous = await h.productPages(30);
    assert.deepEqual(tally(anonymous.map((p) => `${p.version}/${p.stars ?? 'no stars'}`)), { 'v1/no stars': 30 });
    // Another user is not jason: the header match is exact.
    const other = await h.productPages(10, { cookie: await h.login('jason2') });
    assert.deepEqual(tally(other.map((p) => p.version)), { v1: 10 });
    // Signing out ends the session: back to v1.
    const out = await h.gatewayGet('/logout', { cookie: jason });
    assert.equal(out.status, 302);
    assert.match(String(out.headers['set-cookie']), /session=;/);
  });

  test('virtual-service-reviews-jason-v2-v3: jason gets v2, everyone else v3 (red stars)', async () => {
    await h.apply(['samples/bookinfo/networking/virtual-service-reviews-jason-v2-v3.yaml']);
    const jason = await h.login('jason');
    assert.deepEqual(tally((await h.productPages(30, { cookie: jason })).map((p) => `${p.version}/${p.stars ?? 'no stars'}`)), { 'v2/black': 30 });
    assert.deepEqual(tally((await h.productPages(30)).map((p) => `${p.version}/${p.stars ?? 'no stars'}`)), { 'v3/red': 30 });
  });

  test('deleting the reviews VirtualService brings back all three versions', async () => {
    await h.deleteConfig('virtualservice', 'reviews');
    const pages = [];
    while (pages.length < 90 && new Set(pages.map((p) => p.version)).size < 3) pages.push(...await h.productPages(15));
    assert.deepEqual(Object.keys(tally(pages.map((p) => p.version))).sort(), ['v1', 'v2', 'v3']);
  });
});
