// Upstream protocols: HTTP/2 cleartext to an h2c upstream (explicit_http_config), and WebSocket
// upgrades tunnelled through an HCM with upgrade_configs websocket.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createHttpServer, request, type Server } from 'node:http';
import { connect as h2connect, createServer as createH2Server, type Http2Server } from 'node:http2';
import { connect, createServer as createTcpServer, type AddressInfo, type Server as TcpServer } from 'node:net';
import { httpGet, startTestProxy, type TestProxy } from '../../src/proxy/testing/harness.js';
import { hcm, httpListener, routeConfig, staticCluster, virtualHost } from '../../src/proxy/testing/resources.js';

let h2: Http2Server;
let ws: Server;
let echo: TcpServer;
let proxy: TestProxy;
let port: number;

before(async () => {
  h2 = createH2Server((req, res) => {
    res.setHeader('x-http-version', req.httpVersion);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      res.addTrailers({ 'grpc-status': '0', 'grpc-message': 'fine' });
      res.end(`h2 ${req.method} ${req.url} ${Buffer.concat(chunks).toString()}`);
    });
  });
  await new Promise<void>((r) => h2.listen(0, '127.0.0.1', () => r()));
  ws = createHttpServer((_req, res) => res.end('plain'));
  ws.on('upgrade', (req, socket) => {
    socket.write('HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\n\r\n');
    socket.on('data', (d: Buffer) => socket.write(`echo:${d.toString()}:${req.url}`));
  });
  await new Promise<void>((r) => ws.listen(0, '127.0.0.1', () => r()));
  echo = createTcpServer((sock) => sock.on('data', (d: Buffer) => sock.write(`tcp:${d.toString()}`)));
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', () => r()));
  proxy = await startTestProxy({
    clusters: [
      staticCluster('h2', [(h2.address() as AddressInfo).port], {
        typed_extension_protocol_options: {
          'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
            '@type': 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
            explicit_http_config: { http2_protocol_options: {} },
          },
        },
      }),
      staticCluster('ws', [(ws.address() as AddressInfo).port]),
      staticCluster('echo', [(echo.address() as AddressInfo).port]),
    ],
    routes: [
      routeConfig('r', [
        virtualHost('v', ['*'], [
          { match: { prefix: '/grpc-like' }, route: { cluster: 'h2' } },
          { match: { prefix: '/' }, route: { cluster: 'ws' } },
        ]),
      ]),
    ],
    listeners: [
      httpListener('l', 0, hcm({ rds: 'r' }, { upgrade_configs: [{ upgrade_type: 'websocket' }] })),
      {
        // Istio's protocol sniffing for an auto-protocol inbound port: HTTP to the HCM, anything else to TCP.
        name: 'sniffed',
        address: { socket_address: { address: '127.0.0.1', port_value: 0 } },
        listener_filters: [{ name: 'envoy.filters.listener.http_inspector', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.listener.http_inspector.v3.HttpInspector' } }],
        filter_chains: [
          { filter_chain_match: { application_protocols: ['http/1.1', 'h2c'] }, filters: [{ name: 'envoy.filters.network.http_connection_manager', typed_config: hcm({ rds: 'r' }) }] },
          { filters: [{ name: 'envoy.filters.network.tcp_proxy', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy', stat_prefix: 'echo', cluster: 'echo' } }] },
        ],
      },
    ],
  });
  port = proxy.port('l');
});

after(async () => {
  await proxy.stop();
  h2.close();
  await new Promise<void>((r) => echo.close(() => r()));
  ws.closeAllConnections();
  await new Promise<void>((r) => ws.close(() => r()));
});

test('an HTTP/1.1 request is forwarded over HTTP/2 to an h2c upstream', async () => {
  const res = await httpGet(port, '/grpc-like/x', { method: 'POST', body: 'payload' });
  assert.equal(res.status, 200);
  assert.equal(res.headers['x-http-version'], '2.0');
  assert.equal(res.body, 'h2 POST /grpc-like/x payload');
});

test('a WebSocket upgrade is tunnelled to the routed upstream', async () => {
  const reply = await new Promise<string>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/chat', headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' } });
    req.on('upgrade', (res, socket) => {
      assert.equal(res.statusCode, 101);
      socket.write('hello');
      socket.once('data', (d: Buffer) => {
        resolve(d.toString());
        socket.destroy();
      });
    });
    req.on('response', (res) => reject(new Error(`no upgrade: ${res.statusCode}`)));
    req.on('error', reject);
    req.end();
  });
  assert.equal(reply, 'echo:hello:/chat');
});

test('http_inspector sends HTTP to the HCM chain and other bytes to the TCP chain', async () => {
  const sniffedPort = proxy.port('sniffed');
  const res = await httpGet(sniffedPort, '/plain');
  assert.equal(res.body, 'plain');
  const socket = connect(sniffedPort, '127.0.0.1');
  socket.write('\u0000binary');
  const reply = await new Promise<string>((resolve) => socket.once('data', (d: Buffer) => resolve(d.toString())));
  socket.destroy();
  assert.equal(reply, 'tcp:\u0000binary');
});

/** One request over a fresh h2c connection; resolves status, headers, body and trailers. */
function h2Request(path: string, body?: string): Promise<{ status: number; headers: Record<string, unknown>; body: string; trailers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const session = h2connect(`http://127.0.0.1:${port}`);
    session.on('error', reject);
    const req = session.request({ ':path': path, ':method': body === undefined ? 'GET' : 'POST', 'content-type': 'application/grpc' });
    let headers: Record<string, unknown> = {};
    let trailers: Record<string, unknown> = {};
    const chunks: Buffer[] = [];
    req.on('response', (h) => (headers = h));
    req.on('trailers', (t) => (trailers = t));
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      session.close();
      resolve({ status: Number(headers[':status']), headers, body: Buffer.concat(chunks).toString(), trailers });
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('h2c downstream to an h2c upstream streams the body and forwards trailers (gRPC style)', async () => {
  const res = await h2Request('/grpc-like/svc', 'frame');
  assert.equal(res.status, 200);
  assert.equal(res.body, 'h2 POST /grpc-like/svc frame');
  assert.equal(res.trailers['grpc-status'], '0');
  assert.equal(res.trailers['grpc-message'], 'fine');
});

test('h2c downstream to an HTTP/1.1 upstream', async () => {
  const res = await h2Request('/plain');
  assert.equal(res.status, 200);
  assert.equal(res.body, 'plain');
});
