// HTTP filters through real sockets: fault injection (abort, delay, header-controlled, per-route
// override with flags FI/DI) and CORS (preflight answered locally, headers on actual responses).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { httpGet, startTestProxy, type TestProxy } from '../../src/proxy/testing/harness.js';
import { hcm, httpFilters, httpListener, routeConfig, staticCluster, virtualHost } from '../../src/proxy/testing/resources.js';
import { startUpstream, type TestUpstream } from '../../src/proxy/testing/upstream-server.js';

const FAULT = 'type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault';
const CORS = 'type.googleapis.com/envoy.extensions.filters.http.cors.v3.Cors';
const CORS_POLICY = 'type.googleapis.com/envoy.extensions.filters.http.cors.v3.CorsPolicy';

let app: TestUpstream;
let proxy: TestProxy;
let port: number;

before(async () => {
  app = await startUpstream('app');
  proxy = await startTestProxy({
    clusters: [staticCluster('app', [app.port])],
    routes: [
      routeConfig('r', [
        virtualHost('v', ['*'], [
          {
            name: 'abort-all',
            match: { prefix: '/abort' },
            route: { cluster: 'app' },
            typed_per_filter_config: { 'envoy.filters.http.fault': { '@type': FAULT, abort: { http_status: 418, percentage: { numerator: 100 } } } },
          },
          {
            name: 'abort-half',
            match: { prefix: '/half' },
            route: { cluster: 'app' },
            typed_per_filter_config: { 'envoy.filters.http.fault': { '@type': FAULT, abort: { http_status: 503, percentage: { numerator: 500000, denominator: 'MILLION' } } } },
          },
          {
            name: 'delay',
            match: { prefix: '/delay' },
            route: { cluster: 'app' },
            typed_per_filter_config: { 'envoy.filters.http.fault': { '@type': FAULT, delay: { fixed_delay: '0.2s', percentage: { numerator: 100 } } } },
          },
          {
            name: 'grpc-abort',
            match: { prefix: '/grpc' },
            route: { cluster: 'app' },
            typed_per_filter_config: { 'envoy.filters.http.fault': { '@type': FAULT, abort: { grpc_status: 14, percentage: { numerator: 100 } } } },
          },
          {
            name: 'cors',
            match: { prefix: '/cors' },
            route: { cluster: 'app' },
            typed_per_filter_config: {
              'envoy.filters.http.cors': {
                '@type': CORS_POLICY,
                allow_origin_string_match: [{ exact: 'https://good.example' }],
                allow_methods: 'GET,POST',
                allow_headers: 'x-custom',
                expose_headers: 'x-upstream',
                max_age: '600',
              },
            },
          },
          { name: 'plain', match: { prefix: '/' }, route: { cluster: 'app' } },
        ]),
      ]),
    ],
    listeners: [
      httpListener(
        'l',
        0,
        hcm(
          { rds: 'r' },
          {
            http_filters: httpFilters([
              { name: 'envoy.filters.http.fault', typed_config: { '@type': FAULT, abort: { header_abort: {}, percentage: { numerator: 100 } } } },
              { name: 'envoy.filters.http.cors', typed_config: { '@type': CORS } },
            ]),
            access_log: [
              {
                name: 'log',
                typed_config: {
                  '@type': 'type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog',
                  path: '/dev/stdout',
                  log_format: { text_format_source: { inline_string: '%RESPONSE_CODE% %RESPONSE_FLAGS%\n' } },
                },
              },
            ],
          },
        ),
      ),
    ],
  });
  port = proxy.port('l');
});

after(async () => {
  await proxy.stop();
  await app.close();
});

async function lastLog(): Promise<string> {
  for (let i = 0; i < 50 && proxy.accessLog.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
  return proxy.accessLog.pop() ?? '';
}

test('a per-route abort answers locally with flag FI and never reaches the app', async () => {
  const before = app.requests.length;
  proxy.accessLog.length = 0;
  const res = await httpGet(port, '/abort');
  assert.equal(res.status, 418);
  assert.equal(res.body, 'fault filter abort');
  assert.equal(await lastLog(), '418 FI\n');
  assert.equal(app.requests.length, before);
});

test('an abort percentage applies to that share of requests (50% within tolerance)', async () => {
  let aborted = 0;
  for (let i = 0; i < 200; i++) if ((await httpGet(port, '/half')).status === 503) aborted++;
  // sd = 7; ±40 is more than 5 standard deviations.
  assert.ok(aborted > 60 && aborted < 140, `aborted ${aborted} of 200`);
});

test('a fixed delay holds the request (flag DI) and then forwards it', async () => {
  proxy.accessLog.length = 0;
  const res = await httpGet(port, '/delay');
  assert.equal(res.status, 200);
  assert.equal(await lastLog(), '200 DI\n');
});

test('a gRPC abort answers 200 with grpc-status', async () => {
  const res = await httpGet(port, '/grpc', { headers: { 'content-type': 'application/grpc' } });
  assert.equal(res.status, 200);
  assert.equal(res.headers['grpc-status'], '14');
});

test('the filter-level header_abort applies where no route overrides it', async () => {
  assert.equal((await httpGet(port, '/plain', { headers: { 'x-envoy-fault-abort-request': '429' } })).status, 429);
  assert.equal((await httpGet(port, '/plain')).status, 200);
});

test('CORS: preflight from an allowed origin is answered by the proxy', async () => {
  const before = app.requests.length;
  const res = await httpGet(port, '/cors', { method: 'OPTIONS', headers: { origin: 'https://good.example', 'access-control-request-method': 'POST' } });
  assert.equal(res.status, 200);
  assert.equal(res.headers['access-control-allow-origin'], 'https://good.example');
  assert.equal(res.headers['access-control-allow-methods'], 'GET,POST');
  assert.equal(res.headers['access-control-allow-headers'], 'x-custom');
  assert.equal(res.headers['access-control-max-age'], '600');
  assert.equal(app.requests.length, before);
});

test('CORS: actual requests get allow-origin only for allowed origins', async () => {
  const good = await httpGet(port, '/cors', { headers: { origin: 'https://good.example' } });
  assert.equal(good.headers['access-control-allow-origin'], 'https://good.example');
  assert.equal(good.headers['access-control-expose-headers'], 'x-upstream');
  const bad = await httpGet(port, '/cors', { headers: { origin: 'https://evil.example' } });
  assert.equal(bad.status, 200);
  assert.equal(bad.headers['access-control-allow-origin'], undefined);
});
