// Bookinfo through the ingress gateway, as Istio's getting-started and ingress tasks show it: the
// gateway's routes (`Host: *`, a named host, paths that are and are not routed), redirects and
// rewrites, and how a Gateway's hosts and a VirtualService's hosts combine.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startMeshHarness, type MeshHarness } from '../testkit/mesh-harness.js';
import { tally } from '../testkit/mesh-http.js';

let h: MeshHarness;
before(async () => { h = await startMeshHarness(); }, { timeout: 240_000 });
after(async () => { await h?.stop(); });

describe('Bookinfo through the ingress gateway', { timeout: 300_000 }, () => {
  test('the product page answers for any Host (the gateway and VirtualService host `*`)', async () => {
    for (const host of [undefined, 'bookinfo.example.com', 'anything.test']) {
      const r = await h.gatewayGet('/productpage', { host });
      assert.equal(r.status, 200, `Host ${host ?? '127.0.0.1:port'}`);
      assert.match(r.body, /The Comedy of Errors/);
      assert.match(r.body, /Book Details/);
    }
  });

  test('/static/… and /api/v1/products are routed to productpage', async () => {
    const css = await h.gatewayGet('/static/bootstrap/css/bootstrap.min.css');
    assert.equal(css.status, 200);
    assert.match(String(css.headers['content-type']), /^text\/css/);
    const products = await h.gatewayGet('/api/v1/products');
    assert.equal(products.status, 200);
    assert.deepEqual((JSON.parse(products.body) as { title: string }[]).map((p) => p.title), ['The Comedy of Errors']);
    const reviews = await h.gatewayGet('/api/v1/products/0/reviews');
    assert.equal(reviews.status, 200);
    assert.equal((JSON.parse(reviews.body) as { reviews: unknown[] }).reviews.length, 2);
  });

  test('a path the VirtualService does not match is a 404 from the gateway', async () => {
    // productpage itself answers / and /health with 200: a 404 here is the gateway's (no route).
    for (const path of ['/', '/health', '/productpage/extra', '/details/0']) {
      const r = await h.gatewayGet(path);
      assert.equal(r.status, 404, path);
    }
  });

  test('with no VirtualService for reviews, all three versions answer, each with its stars', async () => {
    const pages = [];
    // Each version has 1/3 of the traffic: all three appear within 90 pages except with odds of 3·(2/3)^90 ≈ 5e-16.
    while (pages.length < 90 && new Set(pages.map((p) => p.version)).size < 3) pages.push(...await h.productPages(15));
    const versions = tally(pages.map((p) => p.version));
    assert.deepEqual(Object.keys(versions).sort(), ['v1', 'v2', 'v3'], JSON.stringify(versions));
    for (const p of pages) {
      assert.equal(p.stars, { v1: undefined, v2: 'black', v3: 'red' }[p.version!], `reviews-${p.version} shows ${p.stars ?? 'no'} stars`);
      assert.equal(p.reviewsUnavailable || p.ratingsUnavailable, false);
    }
  });
});

describe('redirect and rewrite', { timeout: 300_000 }, () => {
  after(async () => { await h.apply(['samples/bookinfo/networking/bookinfo-gateway.yaml']); });

  test('/yunwei redirects with 301 to the configured path and authority', async () => {
    await h.apply(['samples/bookinfo/networking/virtual-service-redirect.yaml']);
    const r = await h.gatewayGet('/yunwei', { host: 'shop.example.com' });
    assert.equal(r.status, 301);
    assert.equal(r.headers.location, 'http://bookinfo.example.com/productpage');
    const code = await h.gatewayGet('/old-login', { host: 'shop.example.com' });
    assert.equal(code.status, 302);
    assert.equal(code.headers.location, 'http://shop.example.com/login', 'without authority the request\'s host stays');
    assert.equal((await h.gatewayGet('/productpage')).status, 200, 'the other routes still apply');
  });

  test('/ is rewritten to /productpage and /receiveapi/ to /', async () => {
    await h.apply(['samples/bookinfo/networking/virtual-service-rewrite.yaml']);
    const root = await h.gatewayGet('/');
    assert.equal(root.status, 200);
    assert.match(root.body, /The Comedy of Errors/, '/ serves the product page, not productpage\'s index');
    const api = await h.gatewayGet('/receiveapi/api/v1/products');
    assert.equal(api.status, 200);
    assert.equal((JSON.parse(api.body) as { title: string }[])[0]?.title, 'The Comedy of Errors');
    const health = await h.gatewayGet('/receiveapi/health');
    assert.deepEqual([health.status, health.body], [200, 'Product page is healthy']);
    assert.equal((await h.gatewayGet('/receiveapi')).status, 404, 'the prefix /receiveapi/ does not match /receiveapi');
  });
});

/** The Bookinfo Gateway and VirtualService with the given hosts. */
function hostsConfig(gatewayHosts: string[], virtualServiceHosts: string[]): string {
  const list = (hosts: string[]) => hosts.map((x) => `    - "${x}"`).join('\n');
  return `apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: bookinfo-gateway
spec:
  selector:
    istio: ingressgateway
  servers:
  - port:
      number: 8080
      name: http
      protocol: HTTP
    hosts:
${list(gatewayHosts)}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: bookinfo
spec:
  hosts:
${list(virtualServiceHosts).replace(/^ {2}/gm, '')}
  gateways:
  - bookinfo-gateway
  http:
  - match:
    - uri:
        exact: /productpage
    route:
    - destination:
        host: productpage
        port:
          number: 9080
`;
}

describe('the gateway host table', { timeout: 300_000 }, () => {
  after(async () => { await h.apply(['samples/bookinfo/networking/bookinfo-gateway.yaml']); });

  const rows: { name: string; gateway: string[]; virtualService: string[]; expect: Record<string, number> }[] = [
    {
      name: 'an exact host on both: only that host is served',
      gateway: ['bookinfo.example.com'], virtualService: ['bookinfo.example.com'],
      expect: { 'bookinfo.example.com': 200, 'other.example.com': 404, 'example.com': 404 },
    },
    {
      // Istio 1.15+ sets ignore_port_in_host_matching on gateway routes: a browser's `Host: name:port` matches too.
      name: 'a Host header with a port matches the host without it',
      gateway: ['bookinfo.example.com'], virtualService: ['bookinfo.example.com'],
      expect: { 'bookinfo.example.com:8080': 200, 'bookinfo.example.com:80': 200, 'other.example.com:8080': 404 },
    },
    {
      name: 'a VirtualService with two hosts, of which the gateway allows one',
      gateway: ['bookinfo.example.com'], virtualService: ['bookinfo.example.com', 'reviews.example.com'],
      expect: { 'bookinfo.example.com': 200, 'reviews.example.com': 404 },
    },
    {
      name: 'a wildcard gateway host admits the VirtualService hosts under it',
      gateway: ['*.example.com'], virtualService: ['bookinfo.example.com', 'shop.example.org'],
      expect: { 'bookinfo.example.com': 200, 'shop.example.org': 404, 'other.example.com': 404 },
    },
    {
      name: 'a gateway host `*` with a named VirtualService host serves that name only',
      gateway: ['*'], virtualService: ['bookinfo.example.com'],
      expect: { 'bookinfo.example.com': 200, 'other.example.com': 404 },
    },
  ];
  for (const row of rows) {
    test(row.name, async () => {
      await h.applyYaml(hostsConfig(row.gateway, row.virtualService));
      const got: Record<string, number> = {};
      for (const host of Object.keys(row.expect)) got[host] = (await h.gatewayGet('/productpage', { host })).status;
      assert.deepEqual(got, row.expect);
    });
  }
});
