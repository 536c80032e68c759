// Istio's fault-injection and request-timeouts tasks on Bookinfo: delays and aborts injected by
// the caller's sidecar, seen as the user sees them (the product page's messages, its wait) and as
// `curl` inside a pod sees them (status, body, time).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startMeshHarness, type MeshHarness } from '../testkit/mesh-harness.js';
import { pageReviews } from '../testkit/mesh-http.js';

let h: MeshHarness;
let jason: string;
before(async () => {
  h = await startMeshHarness();
  // The task's starting point: every service on v1, jason on reviews v2 (which calls ratings).
  await h.apply([
    'samples/bookinfo/networking/destination-rule-all.yaml',
    'samples/bookinfo/networking/virtual-service-all-v1.yaml',
    'samples/bookinfo/networking/virtual-service-reviews-test-v2.yaml',
  ]);
  jason = await h.login('jason');
}, { timeout: 240_000 });
after(async () => { await h?.stop(); });

const DETAILS_UNAVAILABLE = 'Sorry, product details are currently unavailable for this book.';
const REVIEWS_UNAVAILABLE = 'Sorry, product reviews are currently unavailable for this book.';

/** `curl` run inside productpage's pod (through its sidecar): status, body and seconds taken. */
async function curlFromProductpage(url: string): Promise<{ status: number; body: string; seconds: number }> {
  const r = await h.skiff(['exec', 'deploy/productpage-v1', '--', 'curl', '-sS', '--max-time', '20', '-w', '\n%{http_code} %{time_total}', url]);
  assert.equal(r.code, 0, `curl failed: ${r.stderr}`);
  const cut = r.stdout.lastIndexOf('\n');
  const [status, seconds] = r.stdout.slice(cut + 1).split(' ');
  return { status: Number(status), body: r.stdout.slice(0, cut), seconds: Number(seconds) };
}

function detailsVirtualService(fault: string): string {
  return `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: details
spec:
  hosts:
  - details
  http:
  - fault:
${fault.replace(/^/gm, '      ')}
    route:
    - destination:
        host: details
        subset: v1
`;
}

describe('fault injection', { timeout: 300_000 }, () => {
  test('virtual-service-ratings-test-delay: jason waits about 6 s and sees the reviews error', async () => {
    await h.apply(['samples/bookinfo/networking/virtual-service-ratings-test-delay.yaml']);
    const page = await h.gatewayGet('/productpage', { cookie: jason });
    assert.equal(page.status, 200);
    const reviews = pageReviews(page.body);
    assert.equal(reviews.reviewsUnavailable, true, 'productpage gave up on reviews');
    assert.equal(reviews.version, undefined);
    // productpage waits 3 s for reviews and tries twice; the 7 s delay outlasts both tries.
    assert.ok(page.ms >= 5900, `the page came back after ${Math.round(page.ms)} ms, before productpage's two 3 s tries ran out`);
    const anonymous = await h.gatewayGet('/productpage');
    assert.deepEqual({ ...pageReviews(anonymous.body) }, { version: 'v1', stars: undefined, reviewsUnavailable: false, ratingsUnavailable: false });
  });

  test('virtual-service-ratings-test-abort: jason sees "Ratings service is currently unavailable"', async () => {
    await h.apply(['samples/bookinfo/networking/virtual-service-ratings-test-abort.yaml']);
    const page = await h.gatewayGet('/productpage', { cookie: jason });
    assert.equal(page.status, 200);
    // Reviews answered (within productpage's 3 s) with the ratings error in place of stars.
    assert.deepEqual({ ...pageReviews(page.body) }, { version: 'v2', stars: undefined, reviewsUnavailable: false, ratingsUnavailable: true });
    const anonymous = pageReviews((await h.gatewayGet('/productpage')).body);
    assert.equal(anonymous.ratingsUnavailable, false);
  });

  test('details with fixedDelay 5s: a call to details takes 5 s; productpage gives up after 3 s', async () => {
    await h.applyYaml(detailsVirtualService('delay:\n  percentage:\n    value: 100\n  fixedDelay: 5s'));
    const call = await curlFromProductpage('http://details:9080/details/0');
    assert.equal(call.status, 200);
    assert.match(call.body, /"author":"William Shakespeare"/);
    assert.ok(call.seconds >= 4.95, `details answered after ${call.seconds} s`);
    const page = await h.gatewayGet('/productpage');
    assert.equal(page.status, 200);
    assert.ok(page.body.includes(DETAILS_UNAVAILABLE), 'the page shows the details error');
    assert.ok(page.ms >= 2950, `the page came back after ${Math.round(page.ms)} ms`);
  });

  test('details abort with httpStatus 400 answers 400 "fault filter abort"', async () => {
    await h.applyYaml(detailsVirtualService('abort:\n  percentage:\n    value: 100\n  httpStatus: 400'));
    const call = await curlFromProductpage('http://details:9080/details/0');
    assert.deepEqual([call.status, call.body], [400, 'fault filter abort']);
  });

  test('fault-injection-details-v1: details aborts with 555 and the page shows the details error', async () => {
    await h.apply(['samples/bookinfo/networking/fault-injection-details-v1.yaml']);
    const call = await curlFromProductpage('http://details:9080/details/0');
    assert.deepEqual([call.status, call.body], [555, 'fault filter abort']);
    const page = await h.gatewayGet('/productpage');
    assert.equal(page.status, 200);
    assert.match(page.body, /Error fetching product details!/);
    assert.ok(page.body.includes(DETAILS_UNAVAILABLE));
    assert.equal(pageReviews(page.body).version, 'v1', 'the rest of the page still renders');
  });
});

describe('request timeouts', { timeout: 300_000 }, () => {
  before(async () => {
    await h.apply([
      'samples/bookinfo/networking/virtual-service-all-v1.yaml',
      'samples/bookinfo/networking/virtual-service-reviews-v2.yaml',
      'samples/bookinfo/networking/virtual-service-ratings-delay-2s.yaml',
    ]);
  });

  test('a 2 s ratings delay slows the page but the stars still show', async () => {
    const page = await h.gatewayGet('/productpage');
    assert.deepEqual({ ...pageReviews(page.body) }, { version: 'v2', stars: 'black', reviewsUnavailable: false, ratingsUnavailable: false });
    assert.ok(page.ms >= 1950, `the page came back after ${Math.round(page.ms)} ms`);
  });

  test('virtual-service-reviews-timeout (0.5 s): the page returns without reviews', async () => {
    await h.apply(['samples/bookinfo/networking/virtual-service-reviews-timeout.yaml']);
    const page = await h.gatewayGet('/productpage');
    assert.equal(page.status, 200);
    assert.equal(pageReviews(page.body).reviewsUnavailable, true);
    const call = await curlFromProductpage('http://reviews:9080/reviews/0');
    assert.deepEqual([call.status, call.body], [504, 'upstream request timeout']);
    assert.ok(call.seconds >= 0.45, `reviews answered after ${call.seconds} s, before its 0.5 s timeout`);
  });
});
