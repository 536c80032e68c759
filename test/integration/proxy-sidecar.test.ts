// The sidecar role: the outbound explicit HTTP proxy (absolute-form requests and CONNECT tunnels,
// dispatched by destination port to the outbound listener and its RDS route configuration, or to
// the passthrough cluster), and the inbound listener fronting the local app.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import { ProxyAgent, request as undiciRequest } from 'undici';
import { httpGet, startTestProxy, type TestProxy } from '../../src/proxy/testing/harness.js';
import { hcm, routeConfig, staticCluster, virtualHost } from '../../src/proxy/testing/resources.js';
import { startUpstream, type TestUpstream } from '../../src/proxy/testing/upstream-server.js';

const TCP_PROXY = 'type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy';

let reviews: TestUpstream;
let external: TestUpstream;
let app: TestUpstream;
let echo: Server;
let echoPort: number;
let greeter: Server;
let proxy: TestProxy;
let outboundPort: number;
let inboundPort: number;
let httpProxyPort: number;

before(async () => {
  reviews = await startUpstream('reviews-v1');
  external = await startUpstream('external');
  app = await startUpstream('local-app');
  echo = createServer((s) => s.pipe(s));
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', () => r()));
  echoPort = (echo.address() as AddressInfo).port;
  greeter = createServer((s) => {
    // Speaks first when the client stays silent, like a MySQL server's greeting; echoes otherwise.
    const greet = setTimeout(() => s.write('\u0003hello'), 200);
    s.once('data', () => clearTimeout(greet));
    s.pipe(s);
  });
  await new Promise<void>((r) => greeter.listen(0, '127.0.0.1', () => r()));
  proxy = await startTestProxy(
    {
      clusters: [
        staticCluster('outbound|9080||reviews.default.svc.cluster.local', [reviews.port]),
        staticCluster('inbound|9080||', [app.port]),
        staticCluster('outbound|3306||mysql.default.svc.cluster.local', [(greeter.address() as AddressInfo).port]),
        { name: 'PassthroughCluster', type: 'ORIGINAL_DST', lb_policy: 'CLUSTER_PROVIDED', connect_timeout: '1s' },
      ],
      routes: [
        routeConfig('9080', [
          virtualHost('reviews.default.svc.cluster.local:9080', ['reviews.default.svc.cluster.local', 'reviews.default.svc.cluster.local:9080', 'reviews', 'reviews:9080'], [
            { name: 'default', match: { prefix: '/' }, route: { cluster: 'outbound|9080||reviews.default.svc.cluster.local', timeout: '0s' } },
          ]),
          virtualHost('allow_any', ['*'], [{ name: 'allow_any', match: { prefix: '/' }, route: { cluster: 'PassthroughCluster', timeout: '0s' } }]),
        ]),
        // Istio's explicit-proxy route configuration: every service by host:port, then allow_any.
        routeConfig('http_proxy', [
          virtualHost('reviews.default.svc.cluster.local:9080', ['reviews.default.svc.cluster.local:9080', 'reviews:9080'], [
            { name: 'default', match: { prefix: '/' }, route: { cluster: 'outbound|9080||reviews.default.svc.cluster.local', timeout: '0s' } },
          ]),
          virtualHost('allow_any', ['*'], [{ name: 'allow_any', match: { prefix: '/' }, route: { cluster: 'PassthroughCluster', timeout: '0s' } }]),
        ]),
      ],
      listeners: [
        {
          name: 'virtualOutbound',
          address: { socket_address: { address: '127.0.0.1', port_value: 0 } },
          use_original_dst: true,
          traffic_direction: 'OUTBOUND',
          filter_chains: [],
          default_filter_chain: {
            name: 'PassthroughFilterChain',
            filters: [
              {
                name: 'envoy.filters.network.tcp_proxy',
                typed_config: {
                  '@type': TCP_PROXY,
                  stat_prefix: 'PassthroughCluster',
                  cluster: 'PassthroughCluster',
                  access_log: [
                    {
                      name: 'envoy.access_loggers.file',
                      typed_config: {
                        '@type': 'type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog',
                        path: '/dev/stdout',
                        log_format: { text_format_source: { inline_string: 'tcp %UPSTREAM_CLUSTER% %BYTES_RECEIVED% %BYTES_SENT% %RESPONSE_FLAGS%\n' } },
                      },
                    },
                  ],
                },
              },
            ],
          },
        },
        {
          name: '0.0.0.0_9080',
          address: { socket_address: { address: '0.0.0.0', port_value: 9080 } },
          bind_to_port: false,
          traffic_direction: 'OUTBOUND',
          filter_chains: [
            {
              filters: [
                {
                  name: 'envoy.filters.network.http_connection_manager',
                  typed_config: hcm(
                    { rds: '9080' },
                    {
                      access_log: [
                        {
                          name: 'envoy.access_loggers.file',
                          typed_config: {
                            '@type': 'type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog',
                            path: '/dev/stdout',
                            log_format: { text_format_source: { inline_string: '%ROUTE_NAME% %UPSTREAM_CLUSTER%\n' } },
                          },
                        },
                      ],
                    },
                  ),
                },
              ],
            },
          ],
        },
        {
          name: '0.0.0.0_3306',
          address: { socket_address: { address: '0.0.0.0', port_value: 3306 } },
          bind_to_port: false,
          traffic_direction: 'OUTBOUND',
          filter_chains: [{ filters: [{ name: 'envoy.filters.network.tcp_proxy', typed_config: { '@type': TCP_PROXY, stat_prefix: 'outbound|3306||mysql.default.svc.cluster.local', cluster: 'outbound|3306||mysql.default.svc.cluster.local' } }] }],
        },
        {
          name: '127.0.0.1_15080',
          address: { socket_address: { address: '127.0.0.1', port_value: 0 } },
          traffic_direction: 'OUTBOUND',
          filter_chains: [{ filters: [{ name: 'envoy.filters.network.http_connection_manager', typed_config: hcm({ rds: 'http_proxy' }) }] }],
        },
        {
          name: 'virtualInbound',
          address: { socket_address: { address: '127.0.0.1', port_value: 0 } },
          traffic_direction: 'INBOUND',
          filter_chains: [
            {
              filters: [
                {
                  name: 'envoy.filters.network.http_connection_manager',
                  typed_config: hcm({
                    routeConfig: routeConfig('inbound|9080||', [virtualHost('inbound|http|9080', ['*'], [{ name: 'default', match: { prefix: '/' }, route: { cluster: 'inbound|9080||', timeout: '0s' } }])]),
                  }),
                },
              ],
            },
          ],
        },
      ],
    },
    'sidecar',
  );
  outboundPort = proxy.port('virtualOutbound');
  inboundPort = proxy.port('virtualInbound');
  httpProxyPort = proxy.port('127.0.0.1_15080');
});

after(async () => {
  await proxy.stop();
  await Promise.all([reviews.close(), external.close(), app.close()]);
  await new Promise<void>((r) => echo.close(() => r()));
  await new Promise<void>((r) => greeter.close(() => r()));
});

test('absolute-form requests are routed by the route configuration named for the port', async () => {
  const res = await httpGet(outboundPort, '', { absoluteUrl: 'http://reviews:9080/reviews/0?x=1', headers: { host: 'reviews:9080' } });
  assert.equal(res.status, 200);
  const seen = res.json<{ upstream: string; path: string; headers: Record<string, string> }>();
  assert.equal(seen.upstream, 'reviews-v1');
  assert.equal(seen.path, '/reviews/0?x=1');
  assert.equal(seen.headers.host, 'reviews:9080');
});

test('a destination with no outbound listener passes through to the original destination', async () => {
  const res = await httpGet(outboundPort, '', { absoluteUrl: `http://127.0.0.1:${external.port}/direct`, headers: { host: `127.0.0.1:${external.port}` } });
  assert.equal(res.status, 200);
  assert.equal(res.json().upstream, 'external');
  assert.equal(res.json().path, '/direct');
});

test('an unknown host on a mesh port goes to the allow_any virtual host (PassthroughCluster)', async () => {
  // Port 9080 has a listener; the Host names no service, so the catch-all passes it through to
  // the original destination 127.0.0.1:9080 (whatever answers there, if anything).
  proxy.accessLog.length = 0;
  await httpGet(outboundPort, '', { absoluteUrl: `http://127.0.0.1:9080/`, headers: { host: 'elsewhere:9080' } });
  for (let i = 0; i < 50 && proxy.accessLog.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
  assert.deepEqual(proxy.accessLog, ['allow_any PassthroughCluster\n']);
});

test('CONNECT to a mesh port carries HTTP that is routed like any outbound request', async () => {
  const agent = new ProxyAgent({ uri: `http://127.0.0.1:${outboundPort}` });
  try {
    const res = await undiciRequest('http://reviews:9080/via-connect', { dispatcher: agent });
    assert.equal(res.statusCode, 200);
    const seen = (await res.body.json()) as { upstream: string; path: string };
    assert.equal(seen.upstream, 'reviews-v1');
    assert.equal(seen.path, '/via-connect');
  } finally {
    await agent.close();
  }
});

test('CONNECT to a TCP destination without a listener is tunnelled through the passthrough', async () => {
  const socket = connect(outboundPort, '127.0.0.1');
  await new Promise<void>((r) => socket.once('connect', () => r()));
  socket.write(`CONNECT 127.0.0.1:${echoPort} HTTP/1.1\r\nhost: 127.0.0.1:${echoPort}\r\n\r\n`);
  const reply = await new Promise<string>((resolve) => {
    let buf = '';
    socket.on('data', (c: Buffer) => {
      buf += c.toString();
      if (buf.includes('\r\n\r\n') && buf.endsWith('ping')) resolve(buf);
      else if (buf.includes('\r\n\r\n') && !buf.includes('ping')) socket.write('ping');
    });
  });
  proxy.accessLog.length = 0;
  socket.destroy();
  assert.match(reply, /^HTTP\/1\.1 200 Connection established\r\n\r\nping$/);
  for (let i = 0; i < 100 && proxy.accessLog.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
  assert.deepEqual(proxy.accessLog, ['tcp PassthroughCluster 4 4 -\n']);
});

/**
 * A raw CONNECT through the http_proxy listener: sends `send` once the 200 arrives (if given) and
 * returns everything read up to and including `until`.
 */
async function rawConnect(target: string, until: string, send?: string): Promise<string> {
  const socket = connect(httpProxyPort, '127.0.0.1');
  await new Promise<void>((r) => socket.once('connect', () => r()));
  socket.write(`CONNECT ${target} HTTP/1.1\r\nhost: ${target}\r\n\r\n`);
  const reply = await new Promise<string>((resolve) => {
    let buf = '';
    socket.on('data', (c: Buffer) => {
      buf += c.toString();
      if (buf.endsWith(until)) resolve(buf);
      else if (send !== undefined && buf.endsWith('\r\n\r\n')) socket.write(send);
    });
  });
  socket.destroy();
  return reply;
}

test('the inbound listener fronts the local app', async () => {
  const res = await httpGet(inboundPort, '/productpage', { headers: { host: 'productpage:9080' } });
  assert.equal(res.status, 200);
  assert.equal(res.json().upstream, 'local-app');
});

test('the http_proxy listener (an HCM) routes absolute-form requests by host:port', async () => {
  const res = await httpGet(httpProxyPort, '', { absoluteUrl: 'http://reviews:9080/p', headers: { host: 'reviews:9080' } });
  assert.equal(res.json().upstream, 'reviews-v1');
  const passthrough = await httpGet(httpProxyPort, '', { absoluteUrl: `http://127.0.0.1:${external.port}/x`, headers: { host: `127.0.0.1:${external.port}` } });
  assert.equal(passthrough.json().upstream, 'external');
});

test('the http_proxy listener serves HTTP inside CONNECT and tunnels other bytes through allow_any', async () => {
  const agent = new ProxyAgent({ uri: `http://127.0.0.1:${httpProxyPort}` });
  try {
    const res = await undiciRequest('http://reviews:9080/tunnelled', { dispatcher: agent });
    assert.equal(((await res.body.json()) as { upstream: string }).upstream, 'reviews-v1');
  } finally {
    await agent.close();
  }
  const reply = await rawConnect(`127.0.0.1:${echoPort}`, '\u0001raw', '\u0001raw');
  assert.equal(reply, 'HTTP/1.1 200 Connection established\r\n\r\n\u0001raw');
});

test('CONNECT to a TCP service goes through its outbound tcp_proxy listener', async () => {
  const reply = await rawConnect('mysql:3306', '\u0002sql', '\u0002sql');
  assert.equal(reply, 'HTTP/1.1 200 Connection established\r\n\r\n\u0002sql');
});

test('CONNECT to a TCP service does not wait for the client to speak first', async () => {
  const reply = await rawConnect('mysql:3306', '\u0003hello');
  assert.equal(reply, 'HTTP/1.1 200 Connection established\r\n\r\n\u0003hello');
});

test('admin /listeners and /config_dump describe the sidecar', async () => {
  const listeners = await httpGet(proxy.adminPort(), '/listeners?format=json');
  const names = listeners.json<{ listener_statuses: { name: string }[] }>().listener_statuses.map((l) => l.name).sort();
  assert.deepEqual(names, ['0.0.0.0_3306', '0.0.0.0_9080', '127.0.0.1_15080', 'virtualInbound', 'virtualOutbound']);
  const dump = await httpGet(proxy.adminPort(), '/config_dump');
  const types = dump.json<{ configs: { '@type': string }[] }>().configs.map((c) => c['@type'].split('.').pop());
  assert.deepEqual(types, ['BootstrapConfigDump', 'ClustersConfigDump', 'ListenersConfigDump', 'RoutesConfigDump', 'SecretsConfigDump']);
});
