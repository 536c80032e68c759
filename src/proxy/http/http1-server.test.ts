// The downstream HTTP/1.1 codec over real loopback sockets, with a small handler standing in for
// the connection manager: framing, keep-alive, pipelining order, 100-continue, HEAD, chunked
// bodies both ways, refusals, timeouts, client aborts and the Upgrade/CONNECT hand-over.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { Http1Server, type Http1ServerHandler, type Http1ServerOptions } from './http1-server.js';
import type { Http1ServerRequest } from './http1-server-request.js';
import type { Http1ServerResponse } from './http1-server-response.js';

const DEFAULTS: Http1ServerOptions = {
  maxHeaderBytes: 8 * 1024,
  maxHeadersCount: 100,
  headersTimeoutMs: 5000,
  requestTimeoutMs: 0,
  idleTimeoutMs: 0,
  streamIdleTimeoutMs: 0,
  upgradesAreRequests: false,
};

const servers: Server[] = [];
after(() => {
  for (const s of servers) s.close();
});

type OnRequest = (req: Http1ServerRequest, res: Http1ServerResponse) => void;

async function serve(onRequest: OnRequest, options: Partial<Http1ServerOptions> = {}, onUpgrade?: Http1ServerHandler['onUpgrade']): Promise<{ port: number; http1: Http1Server }> {
  const handler: Http1ServerHandler = {
    onRequest,
    onUpgrade: onUpgrade ?? ((_req, socket) => socket.destroy()),
  };
  const http1 = new Http1Server({ ...DEFAULTS, ...options }, handler);
  const server = createServer((socket) => http1.accept(socket));
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { port: (server.address() as AddressInfo).port, http1 };
}

/** Writes `parts` on one connection and collects everything until the server closes or `waitMs` of silence. */
function exchange(port: number, parts: string[], opts: { waitMs?: number; gapMs?: number; until?: (raw: string) => boolean } = {}): Promise<{ raw: string; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let raw = '';
    let closed = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ raw, closed });
    };
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(finish, opts.waitMs ?? 1000);
    };
    socket.on('data', (d: Buffer) => {
      raw += d.toString('latin1');
      if (opts.until?.(raw)) finish();
      else arm();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      closed = true;
      finish();
    });
    socket.once('connect', async () => {
      for (const p of parts) {
        socket.write(p);
        if (opts.gapMs) await new Promise((r) => setTimeout(r, opts.gapMs));
      }
      arm();
    });
  });
}

const statuses = (raw: string) => [...raw.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1]));

function readBody(req: Http1ServerRequest): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.body.on('data', (c: Buffer) => chunks.push(c));
    req.body.on('end', () => resolve(Buffer.concat(chunks).toString()));
  });
}

test('keep-alive: two requests on one connection, a body given whole to end() gets a Content-Length', async () => {
  const seen: string[] = [];
  const { port } = await serve((req, res) => {
    seen.push(`${req.method} ${req.url} ${req.headers.host}`);
    res.writeHead(200, { 'x-n': String(seen.length) }).end(Buffer.from('hello'));
  });
  const r = await exchange(port, ['GET /a HTTP/1.1\r\nHost: one\r\n\r\n', 'GET /b HTTP/1.1\r\nHost: two\r\n\r\n'], { gapMs: 50 });
  assert.deepEqual(seen, ['GET /a one', 'GET /b two']);
  assert.deepEqual(statuses(r.raw), [200, 200]);
  assert.match(r.raw, /content-length: 5\r\n/);
  assert.match(r.raw, /date: /);
  assert.ok(!r.closed, 'the connection stays open');
});

test('pipelined requests are answered in request order whatever order the answers come in', async () => {
  const { port } = await serve((req, res) => {
    const delay = req.url === '/slow' ? 80 : 0;
    setTimeout(() => res.writeHead(200, {}).end(Buffer.from(req.url)), delay);
  });
  const r = await exchange(port, ['GET /slow HTTP/1.1\r\nHost: x\r\n\r\nGET /fast HTTP/1.1\r\nHost: x\r\n\r\nGET /third HTTP/1.1\r\nHost: x\r\n\r\n'], {
    until: (raw) => raw.endsWith('/third'),
  });
  const bodies = r.raw.split('\r\n\r\n').slice(1).map((b) => b.split('HTTP/1.1')[0]);
  assert.deepEqual(bodies, ['/slow', '/fast', '/third']);
});

test('hop-by-hop request headers are read, not passed on; repeated headers fold as node:http folds them', async () => {
  let headers: Record<string, unknown> = {};
  const { port } = await serve((req, res) => {
    headers = { ...req.headers };
    res.writeHead(204, {}).end();
  });
  await exchange(port, [
    'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: keep-alive, X-Secret\r\nX-Secret: 1\r\nKeep-Alive: 5\r\nTE: trailers, gzip\r\n' +
      'Accept: a\r\nAccept: b\r\nCookie: c=1\r\nCookie: d=2\r\nProxy-Connection: x\r\n\r\n',
  ], { until: (raw) => raw.includes('\r\n\r\n') });
  assert.deepEqual(headers, { host: 'a', accept: 'a, b', cookie: 'c=1; d=2', te: 'trailers' });
});

test('a chunked request body streams to the handler; a response written in pieces is chunked', async () => {
  const { port } = await serve(async (req, res) => {
    assert.equal(req.hasBody, true);
    const body = await readBody(req);
    res.writeHead(200, {});
    res.write(Buffer.from(`got ${body}`));
    res.write(Buffer.from('!'));
    res.end();
  });
  const r = await exchange(port, ['POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n', '2\r\nde\r\n0\r\n\r\n'], {
    gapMs: 30,
    until: (raw) => raw.endsWith('0\r\n\r\n'),
  });
  assert.match(r.raw, /transfer-encoding: chunked\r\n/);
  assert.ok(r.raw.endsWith('\r\n\r\n9\r\ngot abcde\r\n1\r\n!\r\n0\r\n\r\n'), JSON.stringify(r.raw));
});

test('HTTP/1.0: keep-alive is said when asked for; a body of unknown length is delimited by closing', async () => {
  const { port } = await serve((req, res) => {
    res.writeHead(200, req.url === '/known' ? { 'content-length': '5' } : {});
    res.write(Buffer.from('part'));
    res.end(Buffer.from('s'));
  });
  const known = await exchange(port, ['GET /known HTTP/1.0\r\nConnection: keep-alive\r\n\r\n'], { until: (raw) => raw.endsWith('parts') });
  assert.deepEqual([...known.raw.matchAll(/connection: (\S+)\r\n/g)].map((m) => m[1]), ['keep-alive']);
  assert.ok(!known.closed);
  const unknown = await exchange(port, ['GET /unknown HTTP/1.0\r\nConnection: keep-alive\r\n\r\n']);
  assert.deepEqual([...unknown.raw.matchAll(/connection: (\S+)\r\n/g)].map((m) => m[1]), ['close']);
  assert.ok(unknown.raw.endsWith('\r\n\r\nparts'));
  assert.ok(unknown.closed);
});

test('HEAD: headers as given, no body bytes, the connection stays usable', async () => {
  const { port } = await serve((req, res) => {
    res.writeHead(200, { 'content-length': '5' }).end(req.method === 'HEAD' ? Buffer.from('hello') : Buffer.from('world'));
  });
  const r = await exchange(port, ['HEAD / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n'], { until: (raw) => raw.endsWith('world') });
  assert.deepEqual(statuses(r.raw), [200, 200]);
  assert.ok(!r.raw.includes('hello'));
});

test('Expect: 100-continue gets an interim 100 before the final answer; other expectations get 417', async () => {
  const { port } = await serve(async (req, res) => {
    const body = await readBody(req);
    res.writeHead(200, {}).end(Buffer.from(body));
  });
  const r = await exchange(port, ['POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n', 'data'], {
    gapMs: 50,
    until: (raw) => raw.endsWith('data'),
  });
  assert.deepEqual(statuses(r.raw), [100, 200]);
  const refused = await exchange(port, ['POST / HTTP/1.1\r\nHost: x\r\nExpect: teapot\r\nContent-Length: 4\r\n\r\ndata']);
  assert.deepEqual(statuses(refused.raw), [417]);
  assert.ok(refused.closed);
});

test('malformed framing and oversized heads are refused without reaching the handler, and the connection closes', async () => {
  let calls = 0;
  const { port } = await serve((_req, res) => {
    calls++;
    res.writeHead(200, {}).end();
  });
  for (const [head, status] of [
    ['POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', 400],
    ['GET / HTTP/1.1\nHost: x\n\n', 400],
    [`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(9000)}\r\n\r\n`, 431],
  ] as const) {
    const r = await exchange(port, [head]);
    assert.deepEqual(statuses(r.raw), [status], r.raw.slice(0, 100));
    assert.ok(r.closed);
  }
  assert.equal(calls, 0);
});

test('Connection: close is honoured; an answer that comes before the request body ends the connection', async () => {
  const { port } = await serve((_req, res) => res.writeHead(413, { 'content-length': '0' }).end());
  const r1 = await exchange(port, ['GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n']);
  assert.match(r1.raw, /connection: close\r\n/);
  assert.ok(r1.closed);
  const r2 = await exchange(port, ['POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\npartial']);
  assert.deepEqual(statuses(r2.raw), [413]);
  assert.match(r2.raw, /connection: close\r\n/);
  assert.ok(r2.closed);
});

test('request_headers_timeout answers 408; idle_timeout closes a connection with nothing in flight', async () => {
  const { port } = await serve((_req, res) => res.writeHead(200, {}).end(), { headersTimeoutMs: 200, idleTimeoutMs: 300 });
  const slow = await exchange(port, ['GET / HTTP/1.1\r\n', 'Host: x\r\n'], { gapMs: 150, waitMs: 2000 });
  assert.deepEqual(statuses(slow.raw), [408]);
  assert.ok(slow.closed);
  const started = Date.now();
  const idle = await exchange(port, ['GET / HTTP/1.1\r\nHost: x\r\n\r\n'], { waitMs: 3000 });
  assert.deepEqual(statuses(idle.raw), [200]);
  assert.ok(idle.closed, 'the idle connection was closed by the server');
  assert.ok(Date.now() - started < 2900);
});

test('a client that goes away mid-response aborts the response and the request body', async () => {
  let aborted: () => void = () => undefined;
  const done = new Promise<void>((r) => (aborted = r));
  let bodyClosed = false;
  const { port } = await serve((req, res) => {
    req.body.on('close', () => (bodyClosed = true));
    res.observer = {
      onClose: () => {
        assert.equal(res.destroyed, true);
        assert.equal(res.writableFinished, false);
        aborted();
      },
    };
    res.writeHead(200, {});
    res.write(Buffer.from('first'));
  });
  const socket = connect(port, '127.0.0.1', () => socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nab'));
  socket.on('error', () => undefined);
  socket.once('data', () => socket.destroy());
  await done;
  await new Promise((r) => setImmediate(r));
  assert.equal(bodyClosed, true);
});

test('a large request body arrives whole through a slow consumer (reading pauses and resumes)', async () => {
  const size = 2 * 1024 * 1024;
  const { port } = await serve((req, res) => {
    let got = 0;
    req.body.on('data', (c: Buffer) => {
      got += c.length;
      req.body.pause();
      setTimeout(() => req.body.resume(), 1);
    });
    req.body.on('end', () => res.writeHead(200, {}).end(Buffer.from(String(got))));
  });
  const r = await exchange(port, [`POST / HTTP/1.1\r\nHost: x\r\nContent-Length: ${size}\r\n\r\n`, 'x'.repeat(size)], {
    waitMs: 10_000,
    until: (raw) => raw.endsWith(String(size)),
  });
  assert.ok(r.raw.endsWith(`\r\n\r\n${size}`));
});

test('Upgrade and CONNECT hand the socket over with the bytes read past the head', async () => {
  const handed: string[] = [];
  const { port } = await serve(
    (_req, res) => res.writeHead(200, {}).end(),
    {},
    (req, socket: Duplex, head) => {
      handed.push(`${req.method} ${req.url} ${req.upgrade ?? '-'} ${head.toString()}`);
      socket.write('HTTP/1.1 101 Switching Protocols\r\n\r\n');
      socket.on('data', (d: Buffer) => socket.write(`echo:${d.toString()}`));
    },
  );
  const r = await exchange(port, ['GET /chat HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\nearly', 'later'], {
    gapMs: 50,
    until: (raw) => raw.endsWith('echo:later'),
  });
  assert.ok(r.raw.endsWith('echo:later'), r.raw);
  const c = await exchange(port, ['CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n'], { until: (raw) => raw.includes('101') });
  assert.match(c.raw, /101/);
  assert.deepEqual(handed, ['GET /chat websocket early', 'CONNECT example.com:443 - ']);
});

test('with upgradesAreRequests an Upgrade request is an ordinary one, and what follows it is still read', async () => {
  const urls: string[] = [];
  const { port } = await serve((req, res) => {
    urls.push(req.url);
    res.writeHead(200, {}).end(Buffer.from(req.url));
  }, { upgradesAreRequests: true });
  const r = await exchange(port, ['GET /up HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\nGET /next HTTP/1.1\r\nHost: x\r\n\r\n'], {
    until: (raw) => raw.endsWith('/next'),
  });
  assert.deepEqual(urls, ['/up', '/next']);
  assert.deepEqual(statuses(r.raw), [200, 200]);
});

test('closeIdleConnections closes only connections with nothing in flight', async () => {
  let release: () => void = () => undefined;
  const { port, http1 } = await serve((_req, res) => {
    release = () => res.writeHead(200, {}).end(Buffer.from('late'));
  });
  const idle: Socket = connect(port, '127.0.0.1');
  const idleClosed = new Promise<void>((r) => idle.on('close', () => r()));
  idle.on('error', () => undefined);
  const busy = exchange(port, ['GET / HTTP/1.1\r\nHost: x\r\n\r\n'], { until: (raw) => raw.endsWith('late') });
  await new Promise((r) => setTimeout(r, 100));
  http1.closeIdleConnections();
  await idleClosed;
  release();
  const r = await busy;
  assert.ok(r.raw.endsWith('late'));
});
