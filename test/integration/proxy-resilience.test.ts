// Failure handling through real sockets: route and per-try timeouts, connection failures, no
// healthy upstream, retries, circuit breakers and outlier detection, each with Envoy's status,
// body and response flag.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { httpGet, startTestProxy, type TestProxy } from '../../src/proxy/testing/harness.js';
import { edsCluster, hcm, httpListener, routeConfig, staticCluster, virtualHost } from '../../src/proxy/testing/resources.js';
import { startUpstream, type TestUpstream } from '../../src/proxy/testing/upstream-server.js';

const ACCESS_LOG = [
  {
    name: 'envoy.access_loggers.file',
    typed_config: {
      '@type': 'type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog',
      path: '/dev/stdout',
      log_format: { text_format_source: { inline_string: '%REQ(:PATH)% %RESPONSE_CODE% %RESPONSE_FLAGS% %UPSTREAM_REQUEST_ATTEMPT_COUNT%\n' } },
    },
  },
];

let good: TestUpstream;
let flaky: TestUpstream;
let bad: TestUpstream;
let slow: TestUpstream;
let deadPort: number;
let proxy: TestProxy;
let port: number;
let flakyFailuresLeft = 0;

/** A port nothing listens on (bound then released). */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const p = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return p;
}

function route(prefix: string, cluster: string, extra: Record<string, unknown> = {}) {
  return { name: prefix.slice(1), match: { prefix }, route: { cluster, ...extra } };
}

before(async () => {
  good = await startUpstream('good');
  flaky = await startUpstream('flaky');
  bad = await startUpstream('bad');
  slow = await startUpstream('slow');
  deadPort = await freePort();
  flaky.handler = (_req, res) => {
    if (flakyFailuresLeft <= 0) return false;
    flakyFailuresLeft--;
    res.writeHead(503).end('try again');
    return true;
  };
  bad.handler = (_req, res) => {
    res.writeHead(500).end('broken');
    return true;
  };
  slow.handler = (req, res) => {
    setTimeout(() => res.writeHead(200).end('slow'), Number(req.headers['x-slow-ms'] ?? 300));
    return true;
  };
  proxy = await startTestProxy({
    clusters: [
      staticCluster('good', [good.port]),
      staticCluster('flaky', [flaky.port]),
      staticCluster('dead', [deadPort]),
      staticCluster('dead-then-good', [deadPort, good.port], { lb_policy: 'ROUND_ROBIN' }),
      staticCluster('slow-then-good', [slow.port, good.port]),
      edsCluster('empty'),
      staticCluster('limited', [slow.port], { circuit_breakers: { thresholds: [{ max_connections: 1, max_pending_requests: 1, max_requests: 100, max_retries: 3 }] } }),
      staticCluster('outliers', [bad.port, good.port], {
        outlier_detection: { consecutive_5xx: 2, interval: '10s', base_ejection_time: '30s', max_ejection_percent: 100, enforcing_success_rate: 0 },
      }),
    ],
    routes: [
      routeConfig('http.8080', [
        virtualHost(
          'all',
          ['*'],
          [
            route('/timeout', 'good', { timeout: '0.1s' }),
            route('/dead', 'dead'),
            route('/empty', 'empty'),
            route('/retry-5xx', 'flaky', { retry_policy: { retry_on: '5xx', num_retries: 3 } }),
            route('/retry-few', 'flaky', { retry_policy: { retry_on: 'gateway-error', num_retries: 1, retry_back_off: { base_interval: '0.001s' } } }),
            route('/connect-retry', 'dead-then-good', {
              retry_policy: {
                retry_on: 'connect-failure',
                num_retries: 2,
                retry_host_predicate: [{ name: 'envoy.retry_host_predicates.previous_hosts', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate' } }],
                host_selection_retry_max_attempts: '5',
              },
            }),
            route('/per-try', 'slow-then-good', { retry_policy: { retry_on: '5xx', num_retries: 2, per_try_timeout: '0.1s' } }),
            route('/limited', 'limited', { timeout: '5s' }),
            route('/outliers', 'outliers'),
          ],
          { include_request_attempt_count: true, include_attempt_count_in_response: true },
        ),
      ]),
    ],
    listeners: [httpListener('0.0.0.0_8080', 0, hcm({ rds: 'http.8080' }, { access_log: ACCESS_LOG }))],
  });
  port = proxy.port('0.0.0.0_8080');
});

after(async () => {
  await proxy.stop();
  await Promise.all([good.close(), flaky.close(), bad.close(), slow.close()]);
});

async function logged(path: string, headers: Record<string, string> = {}) {
  proxy.accessLog.length = 0;
  const res = await httpGet(port, path, { headers });
  // The access log is written when the downstream response closes, right after the client sees it.
  for (let i = 0; i < 50 && proxy.accessLog.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
  return { res, log: proxy.accessLog.join('') };
}

test('route timeout: 504 "upstream request timeout" with flag UT', async () => {
  const { res, log } = await logged('/timeout', { 'x-test-delay-ms': '1000' });
  assert.equal(res.status, 504);
  assert.equal(res.body, 'upstream request timeout');
  assert.equal(log, '/timeout 504 UT 1\n');
});

test('connection failure: 503 with the reset reason and flag UF', async () => {
  const { res, log } = await logged('/dead');
  assert.equal(res.status, 503);
  assert.equal(res.body, 'upstream connect error or disconnect/reset before headers. reset reason: connection failure');
  assert.equal(log, '/dead 503 UF 1\n');
});

test('a cluster without endpoints: 503 "no healthy upstream" with flag UH', async () => {
  const { res, log } = await logged('/empty');
  assert.equal(res.status, 503);
  assert.equal(res.body, 'no healthy upstream');
  assert.equal(log, '/empty 503 UH 0\n');
});

test('retry_on 5xx retries until success and reports the attempt count', async () => {
  flakyFailuresLeft = 2;
  const { res, log } = await logged('/retry-5xx');
  assert.equal(res.status, 200);
  assert.equal(res.headers['x-envoy-attempt-count'], '3');
  assert.equal(res.json<{ headers: Record<string, string> }>().headers['x-envoy-attempt-count'], '3');
  assert.equal(log, '/retry-5xx 200 - 3\n');
});

test('when retries run out the last response is returned with flag URX', async () => {
  flakyFailuresLeft = 5;
  const { res, log } = await logged('/retry-few');
  assert.equal(res.status, 503);
  assert.equal(res.body, 'try again');
  assert.equal(log, '/retry-few 503 URX 2\n');
  flakyFailuresLeft = 0;
});

test('connect-failure retries move to another host (previous_hosts)', async () => {
  for (let i = 0; i < 6; i++) {
    const res = await httpGet(port, '/connect-retry');
    assert.equal(res.status, 200);
    assert.equal(res.json().upstream, 'good');
  }
});

test('a per-try timeout is retried on another host', async () => {
  for (let i = 0; i < 4; i++) {
    const res = await httpGet(port, '/per-try', { headers: { 'x-slow-ms': '2000' } });
    assert.equal(res.status, 200);
    assert.equal(res.json().upstream, 'good');
  }
});

test('circuit breaker: one connection and one pending request, the rest overflow with UO', async () => {
  // Warm the pool so its one connection is open and idle: the first request then never waits.
  assert.equal((await httpGet(port, '/limited', { headers: { 'x-slow-ms': '0' } })).status, 200);
  const before = await httpGet(proxy.adminPort(), '/stats?filter=cluster\\.limited\\.upstream_rq_pending_overflow');
  const results = await Promise.all(Array.from({ length: 5 }, () => httpGet(port, '/limited', { headers: { 'x-slow-ms': '300' } })));
  const codes = results.map((r) => r.status).sort();
  assert.deepEqual(codes, [200, 200, 503, 503, 503]);
  for (const r of results.filter((x) => x.status === 503)) {
    assert.equal(r.body, 'upstream connect error or disconnect/reset before headers. reset reason: overflow');
  }
  const after = await httpGet(proxy.adminPort(), '/stats?filter=cluster\\.limited\\.upstream_rq_pending_overflow');
  const count = (s: string) => Number(/: (\d+)/.exec(s)?.[1] ?? 0);
  assert.equal(count(after.body) - count(before.body), 3);
});

test('outlier detection ejects the host answering 5xx', async () => {
  // Round robin alternates; two consecutive 5xx from the bad host eject it.
  const statuses: number[] = [];
  for (let i = 0; i < 6; i++) statuses.push((await httpGet(port, '/outliers')).status);
  assert.ok(statuses.filter((s) => s === 500).length <= 2, `statuses ${statuses}`);
  for (let i = 0; i < 10; i++) assert.equal((await httpGet(port, '/outliers')).status, 200);
  const clusters = await httpGet(proxy.adminPort(), '/clusters');
  assert.match(clusters.body, new RegExp(`outliers::127\\.0\\.0\\.1:${bad.port}::health_flags::/failed_outlier_check`));
  const stats = await httpGet(proxy.adminPort(), '/stats?filter=cluster\\.outliers\\.outlier_detection\\.ejections_active');
  assert.match(stats.body, /ejections_active: 1/);
});
