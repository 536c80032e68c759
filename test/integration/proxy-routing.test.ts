// The proxy as a gateway (router role): real sockets on 127.0.0.1, upstreams are small node:http
// servers, config is fed directly as Envoy JSON resources.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { httpGet, startTestProxy, type TestProxy } from '../../src/proxy/testing/harness.js';
import { hcm, httpListener, routeConfig, staticCluster, virtualHost } from '../../src/proxy/testing/resources.js';
import { startUpstream, type TestUpstream } from '../../src/proxy/testing/upstream-server.js';

let v1: TestUpstream;
let v2: TestUpstream;
let proxy: TestProxy;
let port: number;

before(async () => {
  v1 = await startUpstream('v1');
  v2 = await startUpstream('v2');
  proxy = await startTestProxy({
    clusters: [
      staticCluster('outbound|9080|v1|reviews.default.svc.cluster.local', [v1.port]),
      staticCluster('outbound|9080|v2|reviews.default.svc.cluster.local', [v2.port]),
    ],
    routes: [
      routeConfig('http.8080', [
        virtualHost('reviews', ['reviews.default.svc.cluster.local', 'reviews', 'reviews:9080'], [
          { name: 'jason', match: { prefix: '/', headers: [{ name: 'end-user', string_match: { exact: 'jason' } }] }, route: { cluster: 'outbound|9080|v2|reviews.default.svc.cluster.local' } },
          { name: 'rewrite', match: { prefix: '/api/' }, route: { cluster: 'outbound|9080|v1|reviews.default.svc.cluster.local', prefix_rewrite: '/v1/', host_rewrite_literal: 'internal.reviews' } },
          { name: 'teapot', match: { path: '/teapot' }, direct_response: { status: 418, body: { inline_string: "I'm a teapot" } } },
          { name: 'moved', match: { prefix: '/old' }, redirect: { prefix_rewrite: '/new', response_code: 'FOUND' } },
          {
            name: 'split',
            match: { prefix: '/split' },
            route: {
              weighted_clusters: {
                clusters: [
                  { name: 'outbound|9080|v1|reviews.default.svc.cluster.local', weight: 80 },
                  { name: 'outbound|9080|v2|reviews.default.svc.cluster.local', weight: 20, request_headers_to_add: [{ header: { key: 'x-canary', value: 'yes' } }] },
                ],
              },
            },
          },
          { name: 'missing', match: { prefix: '/missing-cluster' }, route: { cluster: 'outbound|9080||nowhere' } },
          {
            name: 'regex',
            match: { safe_regex: { regex: '/service/([^/]+)(/.*)' } },
            route: {
              cluster: 'outbound|9080|v1|reviews.default.svc.cluster.local',
              regex_rewrite: { pattern: { regex: '^/service/([^/]+)(/.*)$' }, substitution: '\\2/instance/\\1' },
              request_mirror_policies: [{ cluster: 'outbound|9080|v2|reviews.default.svc.cluster.local', runtime_fraction: { default_value: { numerator: 100 } } }],
            },
          },
          {
            name: 'default',
            match: { prefix: '/' },
            route: { cluster: 'outbound|9080|v1|reviews.default.svc.cluster.local', timeout: '0s' },
            request_headers_to_add: [{ header: { key: 'x-route', value: 'default' } }],
            response_headers_to_add: [{ header: { key: 'x-served-by', value: 'skiff' } }],
            response_headers_to_remove: ['x-upstream'],
          },
        ]),
      ]),
    ],
    listeners: [
      httpListener(
        '0.0.0.0_8080',
        0,
        hcm(
          { rds: 'http.8080' },
          {
            server_name: 'istio-envoy',
            use_remote_address: true,
            access_log: [
              {
                name: 'envoy.access_loggers.file',
                typed_config: {
                  '@type': 'type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog',
                  path: '/dev/stdout',
                  log_format: { text_format_source: { inline_string: '%REQ(:METHOD)% %REQ(:PATH)% %RESPONSE_CODE% %RESPONSE_FLAGS% %UPSTREAM_CLUSTER% %ROUTE_NAME%\n' } },
                },
              },
            ],
          },
        ),
      ),
    ],
  });
  port = proxy.port('0.0.0.0_8080');
});

after(async () => {
  await proxy.stop();
  await v1.close();
  await v2.close();
});

test('a request is routed by Host and path to the cluster, with Envoy headers both ways', async () => {
  const res = await httpGet(port, '/reviews/1?x=1', { headers: { host: 'reviews:9080', connection: 'close, x-hop', 'x-hop': 'secret', 'proxy-connection': 'keep-alive' } });
  assert.equal(res.status, 200);
  const seen = res.json<{ upstream: string; path: string; headers: Record<string, string> }>();
  assert.equal(seen.upstream, 'v1');
  assert.equal(seen.path, '/reviews/1?x=1');
  assert.equal(seen.headers['x-route'], 'default');
  assert.equal(seen.headers['x-forwarded-proto'], 'http');
  assert.equal(seen.headers['x-forwarded-for'], '127.0.0.1');
  assert.match(seen.headers['x-request-id']!, /^[0-9a-f-]{36}$/);
  assert.equal(seen.headers['host'], 'reviews:9080');
  // Hop-by-hop headers from the client never reach the upstream.
  assert.equal(seen.headers['proxy-connection'], undefined);
  assert.equal(seen.headers['x-hop'], undefined);
  assert.equal(res.headers['x-served-by'], 'skiff');
  assert.equal(res.headers['x-upstream'], undefined);
  assert.equal(res.headers['server'], 'istio-envoy');
  assert.match(String(res.headers['x-envoy-upstream-service-time']), /^\d+$/);
});

test('header match sends jason to v2', async () => {
  const res = await httpGet(port, '/reviews/1', { headers: { host: 'reviews', 'end-user': 'jason' } });
  assert.equal(res.json().upstream, 'v2');
});

test('prefix_rewrite and host_rewrite_literal change what the upstream sees', async () => {
  const res = await httpGet(port, '/api/ratings?q=1', { headers: { host: 'reviews' } });
  const seen = res.json<{ path: string; headers: Record<string, string> }>();
  assert.equal(seen.path, '/v1/ratings?q=1');
  assert.equal(seen.headers['host'], 'internal.reviews');
  assert.equal(seen.headers['x-envoy-original-path'], '/api/ratings?q=1');
});

test('direct response and redirect are answered by the proxy', async () => {
  const teapot = await httpGet(port, '/teapot', { headers: { host: 'reviews' } });
  assert.equal(teapot.status, 418);
  assert.equal(teapot.body, "I'm a teapot");
  const moved = await httpGet(port, '/old/page?a=b', { headers: { host: 'reviews:9080' } });
  assert.equal(moved.status, 302);
  assert.equal(moved.headers.location, 'http://reviews:9080/new/page?a=b');
});

test('no matching virtual host is 404 with response flag NR in the access log', async () => {
  proxy.accessLog.length = 0;
  const res = await httpGet(port, '/', { headers: { host: 'unknown.example' } });
  assert.equal(res.status, 404);
  assert.deepEqual(proxy.accessLog, ['GET / 404 NR - -\n']);
  const stats = await httpGet(proxy.adminPort(), '/stats?filter=no_route');
  assert.match(stats.body, /http\.test\.no_route: [1-9]/);
});

test('a route to an unknown cluster answers 503 (NC)', async () => {
  proxy.accessLog.length = 0;
  const res = await httpGet(port, '/missing-cluster', { headers: { host: 'reviews' } });
  assert.equal(res.status, 503);
  assert.deepEqual(proxy.accessLog, ['GET /missing-cluster 503 NC - missing\n']);
});

test('weighted clusters split 80/20 within tolerance and apply per-cluster headers', async () => {
  const counts: Record<string, number> = { v1: 0, v2: 0 };
  const n = 400;
  for (let i = 0; i < n; i++) {
    const res = await httpGet(port, '/split', { headers: { host: 'reviews' } });
    const seen = res.json<{ upstream: string; headers: Record<string, string> }>();
    counts[seen.upstream]!++;
    if (seen.upstream === 'v2') assert.equal(seen.headers['x-canary'], 'yes');
    else assert.equal(seen.headers['x-canary'], undefined);
  }
  // Expected 80 requests on v2; ±40 is over 4 standard deviations (sd = 8).
  assert.ok(counts.v2! > 40 && counts.v2! < 120, `v2 got ${counts.v2} of ${n}`);
});

test('request bodies stream to the upstream and keep-alive connections are reused', async () => {
  const body = 'x'.repeat(200_000);
  const res = await httpGet(port, '/echo', { method: 'POST', headers: { host: 'reviews', 'content-type': 'text/plain' }, body });
  assert.equal(res.status, 200);
  assert.equal(res.json().body, body);
  const clusters = await httpGet(proxy.adminPort(), '/stats?filter=outbound\\|9080\\|v1.*upstream_cx_total');
  const total = Number(/upstream_cx_total: (\d+)/.exec(clusters.body)![1]);
  // Hundreds of requests went to v1 so far over a handful of pooled connections.
  assert.ok(total >= 1 && total < 20, `upstream_cx_total ${total}`);
});

test('regex_rewrite substitutes groups, and the mirror gets a -shadow copy', async () => {
  const mirrored = v2.requests.length;
  const res = await httpGet(port, '/service/foo/v1/api?x=1', { headers: { host: 'reviews:9080' } });
  assert.equal(res.json().upstream, 'v1');
  assert.equal(res.json().path, '/v1/api/instance/foo?x=1');
  for (let i = 0; i < 100 && v2.requests.length === mirrored; i++) await new Promise((r) => setTimeout(r, 5));
  const shadow = v2.requests[v2.requests.length - 1]!;
  assert.equal(shadow.headers.host, 'reviews-shadow:9080');
  assert.equal(shadow.path, '/v1/api/instance/foo?x=1');
});
