// Responses stream through the proxy as they arrive: a body chunk is not held back until the
// upstream finishes (server-sent events, long polls, slow downloads), and a chunked body with
// trailers or a large body arrives whole.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { startTestProxy, type TestProxy } from '../../src/proxy/testing/harness.js';
import { hcm, httpListener, routeConfig, staticCluster, virtualHost } from '../../src/proxy/testing/resources.js';
import { startUpstream, type TestUpstream } from '../../src/proxy/testing/upstream-server.js';

let upstream: TestUpstream;
let proxy: TestProxy;
let port: number;
/** Resolves the upstream's wait for the client to have read the first chunk. */
let firstChunkSeen: () => void = () => undefined;

before(async () => {
  upstream = await startUpstream('stream');
  upstream.handler = (req, res) => {
    if (req.url === '/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: one\n\n');
      // The second event is sent only once the client has the first: held back, it never would be.
      new Promise<void>((r) => (firstChunkSeen = r)).then(() => res.end('data: two\n\n'));
      return true;
    }
    if (req.url === '/big') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      for (let i = 0; i < 64; i++) res.write(Buffer.alloc(16 * 1024, i));
      res.end();
      return true;
    }
    return false;
  };
  proxy = await startTestProxy({
    clusters: [staticCluster('stream', [upstream.port])],
    routes: [routeConfig('http.8080', [virtualHost('all', ['*'], [{ name: 'all', match: { prefix: '/' }, route: { cluster: 'stream', timeout: '0s' } }])])],
    listeners: [httpListener('0.0.0.0_8080', 0, hcm({ rds: 'http.8080' }))],
  });
  port = proxy.port('0.0.0.0_8080');
});

after(async () => {
  await proxy.stop();
  await upstream.close();
});

test('a body chunk reaches the client before the upstream ends the response', { timeout: 10_000 }, async () => {
  const chunks = await new Promise<string[]>((resolve, reject) => {
    const got: string[] = [];
    const req = request({ host: '127.0.0.1', port, path: '/events', agent: false }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        got.push(c);
        if (got.length === 1) firstChunkSeen();
      });
      res.on('end', () => resolve(got));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
  assert.equal(chunks.join(''), 'data: one\n\ndata: two\n\n');
  assert.equal(chunks[0], 'data: one\n\n');
});

test('a 1 MiB body written in 16 KiB pieces arrives whole and in order', async () => {
  const body = await new Promise<Buffer>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/big', agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve(Buffer.concat(parts)));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
  assert.equal(body.length, 64 * 16 * 1024);
  for (let i = 0; i < 64; i++) assert.equal(body[i * 16 * 1024 + 100], i, `piece ${i}`);
});
