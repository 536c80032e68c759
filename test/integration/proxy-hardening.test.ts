// The proxy against hostile peers, over raw sockets: malformed and ambiguous requests are refused
// (400, 431, 408 or a closed connection) and never reach the upstream, slow clients are cut off by
// the configured header and request timeouts, hop-by-hop headers stop at the proxy, malformed
// upstream responses become 502/503 with a response flag, and the proxy keeps serving throughout.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { httpGet, startTestProxy, type TestProxy } from '../../src/proxy/testing/harness.js';
import { hcm, httpListener, routeConfig, staticCluster, virtualHost } from '../../src/proxy/testing/resources.js';
import { startUpstream, type TestUpstream } from '../../src/proxy/testing/upstream-server.js';

const ACCESS_LOG = [
  {
    name: 'envoy.access_loggers.file',
    typed_config: {
      '@type': 'type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog',
      path: '/dev/stdout',
      log_format: { text_format_source: { inline_string: '%REQ(:PATH)% %RESPONSE_CODE% %RESPONSE_FLAGS%\n' } },
    },
  },
];

/** Short limits so the slow-client cases finish quickly; the header limits are Envoy's defaults. */
const HEADERS_TIMEOUT = '0.4s';
const REQUEST_TIMEOUT = '1s';

let backend: TestUpstream;
let rawUpstream: Server;
let proxy: TestProxy;
let port: number;

// ---- a raw upstream that answers each path with a malformed response ----

const RAW_RESPONSES: Record<string, (socket: Socket) => void> = {
  '/raw/garbage-status': (s) => s.end('HELLO THERE\r\n\r\n'),
  '/raw/cl-and-te': (s) => s.end('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n'),
  '/raw/duplicate-cl': (s) => s.end('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!'),
  '/raw/bad-header-name': (s) => s.end('HTTP/1.1 200 OK\r\nBad Header: x\r\nContent-Length: 2\r\n\r\nok'),
  '/raw/closed-mid-headers': (s) => s.end('HTTP/1.1 200 OK\r\nX-Partial: yes\r\nContent-Ty'),
  '/raw/closed-before-response': (s) => s.end(),
  '/raw/truncated-body': (s) => s.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this much'),
  '/raw/bad-chunk': (s) => s.end('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n'),
};

async function startRawUpstream(): Promise<Server> {
  const server = createServer((socket) => {
    socket.on('error', () => socket.destroy());
    let head = '';
    socket.on('data', (chunk: Buffer) => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      const path = head.split(' ')[1] ?? '';
      const respond = RAW_RESPONSES[path];
      if (respond) respond(socket);
      else socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
      head = '';
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return server;
}

// ---- raw client ----

interface RawResult {
  /** Status code of the first response, if any came. */
  status: number | undefined;
  raw: string;
  /** The proxy closed the connection (rather than the client giving up waiting). */
  closedByPeer: boolean;
}

/**
 * Sends `parts` on a fresh connection (`gapMs` apart) and collects what comes back until the proxy
 * closes the connection or `waitMs` of silence pass after the last write.
 */
function rawExchange(parts: (string | Buffer)[], opts: { gapMs?: number; waitMs?: number } = {}): Promise<RawResult & { sentAll: boolean }> {
  const waitMs = opts.waitMs ?? 5000;
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let closedByPeer = false;
    let sentAll = false;
    let idle: NodeJS.Timeout | undefined;
    let gapTimer: NodeJS.Timeout | undefined;
    const finish = () => {
      clearTimeout(idle);
      clearTimeout(gapTimer);
      socket.destroy();
      const raw = Buffer.concat(chunks).toString('latin1');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(raw);
      resolve({ status: m ? Number(m[1]) : undefined, raw, closedByPeer, sentAll });
    };
    const armIdle = () => {
      clearTimeout(idle);
      idle = setTimeout(finish, waitMs);
    };
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      closedByPeer = true;
      finish();
    });
    socket.on('end', () => {
      closedByPeer = true;
    });
    let i = 0;
    const writeNext = () => {
      if (socket.destroyed) return;
      if (i >= parts.length) {
        sentAll = true;
        armIdle();
        return;
      }
      socket.write(parts[i++]!);
      if (opts.gapMs) gapTimer = setTimeout(writeNext, opts.gapMs);
      else writeNext();
    };
    socket.once('connect', writeNext);
  });
}

const bytewise = (s: string): string[] => [...s];

before(async () => {
  backend = await startUpstream('backend');
  // node's own 16 KiB default would refuse what the proxy (Envoy's 60 KiB) lets through.
  (backend.server as { maxHeaderSize?: number }).maxHeaderSize = 128 * 1024;
  rawUpstream = await startRawUpstream();
  proxy = await startTestProxy({
    clusters: [staticCluster('backend', [backend.port]), staticCluster('raw', [(rawUpstream.address() as AddressInfo).port])],
    listeners: [
      httpListener(
        '0.0.0.0_8080',
        0,
        hcm(
          {
            routeConfig: routeConfig('local', [
              virtualHost('all', ['*'], [
                { name: 'raw', match: { prefix: '/raw/' }, route: { cluster: 'raw', timeout: '2s' } },
                { name: 'backend', match: { prefix: '/' }, route: { cluster: 'backend', timeout: '5s' } },
              ]),
            ]),
          },
          { request_headers_timeout: HEADERS_TIMEOUT, request_timeout: REQUEST_TIMEOUT, access_log: ACCESS_LOG },
        ),
      ),
    ],
  });
  port = proxy.port('0.0.0.0_8080');
});

after(async () => {
  await proxy?.stop();
  await backend?.close();
  await new Promise<void>((r) => (rawUpstream ? rawUpstream.close(() => r()) : r()));
});

/** The upstream never saw a request for this path (nor for a path starting with it). */
function assertNeverReachedUpstream(path: string): void {
  const seen = backend.requests.filter((r) => r.path.startsWith(path));
  assert.deepEqual(seen.map((r) => `${r.method} ${r.path}`), [], `the upstream must not receive ${path}`);
}

async function assertStillServing(): Promise<void> {
  const res = await httpGet(port, '/health-after');
  assert.equal(res.status, 200);
  assert.equal(res.json().upstream, 'backend');
}

// ---- malformed requests ----

interface MalformedCase {
  name: string;
  /** Unique path: the upstream must never see it. */
  path: string;
  parts: (string | Buffer)[];
  /** Statuses accepted as a refusal; a closed connection without a response also counts. */
  statuses: number[];
  gapMs?: number;
  /** The refusal must come as a status, not just a closed connection. */
  mustAnswer?: boolean;
}

const H = (path: string) => `Host: example.com\r\nX-Path: ${path}\r\n`;

const MALFORMED: MalformedCase[] = [
  {
    name: 'Content-Length and Transfer-Encoding together',
    path: '/m/cl-te',
    parts: [`POST /m/cl-te HTTP/1.1\r\n${H('cl-te')}Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`],
    statuses: [400],
    mustAnswer: true,
  },
  {
    name: 'Transfer-Encoding and Content-Length (reverse order)',
    path: '/m/te-cl',
    parts: [`POST /m/te-cl HTTP/1.1\r\n${H('te-cl')}Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n`],
    statuses: [400],
    mustAnswer: true,
  },
  {
    name: 'duplicate differing Content-Length',
    path: '/m/dup-cl',
    parts: [`POST /m/dup-cl HTTP/1.1\r\n${H('dup-cl')}Content-Length: 3\r\nContent-Length: 5\r\n\r\nabcde`],
    statuses: [400],
    mustAnswer: true,
  },
  {
    name: 'Content-Length list with differing values',
    path: '/m/cl-list',
    parts: [`POST /m/cl-list HTTP/1.1\r\n${H('cl-list')}Content-Length: 3, 5\r\n\r\nabcde`],
    statuses: [400],
    mustAnswer: true,
  },
  {
    name: 'bare LF line endings',
    path: '/m/bare-lf',
    parts: ['GET /m/bare-lf HTTP/1.1\nHost: example.com\nX-Bare: 1\n\n'],
    statuses: [400],
  },
  {
    name: 'bare LF inside the header block',
    path: '/m/bare-lf-mixed',
    parts: ['GET /m/bare-lf-mixed HTTP/1.1\r\nHost: example.com\nX-Bare: 1\r\n\r\n'],
    statuses: [400],
  },
  {
    name: 'bare CR as a line ending',
    path: '/m/bare-cr',
    parts: ['GET /m/bare-cr HTTP/1.1\r\nHost: example.com\rX-Bare: 1\r\n\r\n'],
    statuses: [400],
  },
  {
    name: 'invalid character in a header name',
    path: '/m/bad-name',
    parts: [`GET /m/bad-name HTTP/1.1\r\n${H('bad-name')}Bad(Name): 1\r\n\r\n`],
    statuses: [400],
    mustAnswer: true,
  },
  {
    name: 'space before the colon of a header name',
    path: '/m/space-colon',
    parts: [`GET /m/space-colon HTTP/1.1\r\n${H('space-colon')}X-Foo : 1\r\n\r\n`],
    statuses: [400],
    mustAnswer: true,
  },
  {
    name: 'NUL in a header value',
    path: '/m/nul',
    parts: [`GET /m/nul HTTP/1.1\r\n${H('nul')}X-Nul: a\u0000b\r\n\r\n`],
    statuses: [400],
    mustAnswer: true,
  },
  {
    name: 'CR inside a header value',
    path: '/m/cr-value',
    parts: [`GET /m/cr-value HTTP/1.1\r\n${H('cr-value')}X-Cr: a\rb\r\n\r\n`],
    statuses: [400],
  },
  {
    name: 'obsolete line folding',
    path: '/m/obs-fold',
    parts: [`GET /m/obs-fold HTTP/1.1\r\n${H('obs-fold')}X-Folded: a\r\n b\r\n\r\n`],
    statuses: [400],
  },
  {
    name: 'oversized request line (70 KiB URL)',
    path: '/m/long-url',
    parts: [`GET /m/long-url?${'a'.repeat(70 * 1024)} HTTP/1.1\r\n${H('long-url')}\r\n`],
    statuses: [400, 414, 431],
  },
  {
    name: 'too many headers (101, Envoy allows 100)',
    path: '/m/many-headers',
    parts: [`GET /m/many-headers HTTP/1.1\r\n${H('many-headers')}${Array.from({ length: 99 }, (_, i) => `X-H${i}: ${i}\r\n`).join('')}\r\n`],
    statuses: [431],
    mustAnswer: true,
  },
  {
    name: 'oversized header block (over 60 KiB)',
    path: '/m/big-headers',
    parts: [`GET /m/big-headers HTTP/1.1\r\n${H('big-headers')}${Array.from({ length: 10 }, (_, i) => `X-Big${i}: ${'b'.repeat(6200)}\r\n`).join('')}\r\n`],
    statuses: [431],
    mustAnswer: true,
  },
  {
    name: 'negative Content-Length',
    path: '/m/neg-cl',
    parts: [`POST /m/neg-cl HTTP/1.1\r\n${H('neg-cl')}Content-Length: -1\r\n\r\n`],
    statuses: [400],
    mustAnswer: true,
  },
  {
    name: 'non-numeric Content-Length',
    path: '/m/nan-cl',
    parts: [`POST /m/nan-cl HTTP/1.1\r\n${H('nan-cl')}Content-Length: 12abc\r\n\r\n`],
    statuses: [400],
    mustAnswer: true,
  },
  {
    name: 'Transfer-Encoding other than chunked',
    path: '/m/te-gzip',
    parts: [`POST /m/te-gzip HTTP/1.1\r\n${H('te-gzip')}Transfer-Encoding: gzip\r\n\r\nabc`],
    statuses: [400, 501],
    mustAnswer: true,
  },
  {
    name: 'Transfer-Encoding with chunked not last',
    path: '/m/te-chunked-identity',
    parts: [`POST /m/te-chunked-identity HTTP/1.1\r\n${H('te-chunked-identity')}Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n`],
    statuses: [400, 501],
    mustAnswer: true,
  },
  {
    name: 'obfuscated Transfer-Encoding (xchunked)',
    path: '/m/te-xchunked',
    parts: [`POST /m/te-xchunked HTTP/1.1\r\n${H('te-xchunked')}Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n`],
    statuses: [400, 501],
    mustAnswer: true,
  },
  {
    name: 'malformed chunk size',
    path: '/m/bad-chunk',
    parts: [`POST /m/bad-chunk HTTP/1.1\r\n${H('bad-chunk')}Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n`],
    statuses: [400],
  },
  {
    name: 'chunk size overflowing 64 bits',
    path: '/m/huge-chunk',
    parts: [`POST /m/huge-chunk HTTP/1.1\r\n${H('huge-chunk')}Transfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\nhello\r\n0\r\n\r\n`],
    statuses: [400],
  },
  {
    name: 'absolute-form with an empty authority',
    path: '/m/abs-empty',
    parts: ['GET http:///m/abs-empty HTTP/1.1\r\nHost: example.com\r\n\r\n'],
    statuses: [400],
    mustAnswer: true,
  },
  {
    name: 'absolute-form with a non-numeric port',
    path: '/m/abs-port',
    parts: ['GET http://example.com:port/m/abs-port HTTP/1.1\r\nHost: example.com\r\n\r\n'],
    statuses: [400],
    mustAnswer: true,
  },
  {
    name: 'absolute-form with an unterminated IPv6 literal',
    path: '/m/abs-ipv6',
    parts: ['GET http://[::1/m/abs-ipv6 HTTP/1.1\r\nHost: example.com\r\n\r\n'],
    statuses: [400],
    mustAnswer: true,
  },
  {
    name: 'absolute-form with a space in the URL',
    path: '/m/abs-space',
    parts: ['GET http://exa mple.com/m/abs-space HTTP/1.1\r\nHost: example.com\r\n\r\n'],
    statuses: [400],
  },
  {
    name: 'CONNECT without a port',
    path: '/m/connect',
    parts: ['CONNECT example.com HTTP/1.1\r\nHost: example.com\r\nX-Path: /m/connect\r\n\r\n'],
    statuses: [400],
    mustAnswer: true,
  },
  {
    name: 'HTTP/0.9 request line',
    path: '/m/http09',
    parts: ['GET /m/http09\r\n\r\n'],
    statuses: [400, 505],
  },
  {
    name: 'unknown HTTP version',
    path: '/m/http13',
    parts: [`GET /m/http13 HTTP/1.3\r\n${H('http13')}\r\n`],
    statuses: [400, 505],
  },
  {
    name: 'garbage instead of a request line',
    path: '/m/garbage',
    parts: ['\u0001\u0002\u0003 /m/garbage HTTP/1.1\r\n\r\n'],
    statuses: [400],
  },
];

describe('malformed requests are refused and never reach the upstream', () => {
  for (const c of MALFORMED) {
    test(c.name, async () => {
      const r = await rawExchange(c.parts, { gapMs: c.gapMs });
      if (r.status !== undefined) assert.ok(c.statuses.includes(r.status), `expected ${c.statuses.join('/')}, got ${r.status}: ${r.raw.slice(0, 200)}`);
      else {
        assert.ok(!c.mustAnswer, `expected a ${c.statuses.join('/')} response, the connection closed without one`);
        assert.ok(r.closedByPeer, `the proxy neither answered nor closed the connection (got ${JSON.stringify(r.raw.slice(0, 200))})`);
      }
      assert.ok(r.closedByPeer, 'the proxy closes a connection after a malformed request');
      assertNeverReachedUpstream(c.path);
      await assertStillServing();
    });
  }
});

describe('request smuggling', () => {
  test('a chunked body carrying a second request stays body', async () => {
    const inner = `GET /smuggled HTTP/1.1\r\nHost: example.com\r\n\r\n`;
    const body = `0\r\n\r\n${inner}`;
    const chunk = `${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`;
    const r = await rawExchange([`POST /s/chunked HTTP/1.1\r\nHost: example.com\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${chunk}`]);
    assert.equal(r.status, 200);
    const seen = backend.requests.filter((q) => q.path === '/s/chunked');
    assert.equal(seen.length, 1);
    assert.equal(seen[0]!.body, body);
    assertNeverReachedUpstream('/smuggled');
  });

  test('CL.TE: a body hidden by Transfer-Encoding is refused as a whole', async () => {
    const r = await rawExchange([
      `POST /s/cl-te HTTP/1.1\r\nHost: example.com\r\nContent-Length: 49\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled-cl HTTP/1.1\r\nHost: example.com\r\n\r\n`,
    ]);
    assert.equal(r.status, 400);
    assert.ok(!r.raw.includes('HTTP/1.1 200'), 'no second response for the smuggled request');
    assertNeverReachedUpstream('/s/cl-te');
    assertNeverReachedUpstream('/smuggled-cl');
  });

  test('TE.TE: a duplicate Transfer-Encoding header is refused', async () => {
    const r = await rawExchange([
      `POST /s/te-te HTTP/1.1\r\nHost: example.com\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n0\r\n\r\nGET /smuggled-te HTTP/1.1\r\nHost: example.com\r\n\r\n`,
    ]);
    assert.ok(r.status === 400 || (r.status === undefined && r.closedByPeer), `got ${r.raw.slice(0, 200)}`);
    assertNeverReachedUpstream('/s/te-te');
    assertNeverReachedUpstream('/smuggled-te');
  });

  test('pipelined requests after a refused one are not served', async () => {
    const r = await rawExchange([
      `GET /s/pipe-bad HTTP/1.1\r\nHost: example.com\r\nBad(Name): 1\r\n\r\nGET /s/pipe-after HTTP/1.1\r\nHost: example.com\r\n\r\n`,
    ]);
    assert.equal(r.status, 400);
    assertNeverReachedUpstream('/s/pipe-bad');
    assertNeverReachedUpstream('/s/pipe-after');
  });
});

describe('limits accept what Envoy accepts', () => {
  test('100 headers are accepted', async () => {
    const headers: Record<string, string> = {};
    // node:http adds Host and Connection: 98 more make 100.
    for (let i = 0; i < 98; i++) headers[`x-h${i}`] = String(i);
    const res = await httpGet(port, '/l/hundred-headers', { headers });
    assert.equal(res.status, 200);
    assert.equal(res.json<{ headers: Record<string, string> }>().headers['x-h97'], '97');
  });

  test('a 40 KiB header block is accepted', async () => {
    const headers: Record<string, string> = {};
    for (let i = 0; i < 8; i++) headers[`x-big${i}`] = 'b'.repeat(5000);
    const res = await httpGet(port, '/l/big-ok', { headers });
    assert.equal(res.status, 200);
    assert.equal(res.json<{ headers: Record<string, string> }>().headers['x-big7']?.length, 5000);
  });
});

describe('slow clients', () => {
  test('headers sent byte by byte past request_headers_timeout: connection closed, upstream untouched', async () => {
    const head = `GET /slow/headers HTTP/1.1\r\nHost: example.com\r\nX-Slow: ${'s'.repeat(40)}\r\n\r\n`;
    const r = await rawExchange(bytewise(head), { gapMs: 50, waitMs: 500 });
    assert.ok(r.closedByPeer, 'the proxy closes a connection whose headers do not arrive in time');
    assert.ok(!r.sentAll, 'the proxy closed the connection before the client finished its headers');
    if (r.status !== undefined) assert.equal(r.status, 408);
    assertNeverReachedUpstream('/slow/headers');
    await assertStillServing();
  });

  test('a body trickling in past request_timeout: 408 or closed, upstream never gets a complete request', async () => {
    const head = `POST /slow/body HTTP/1.1\r\nHost: example.com\r\nContent-Length: 60\r\n\r\n`;
    const r = await rawExchange([head, ...bytewise('x'.repeat(60))], { gapMs: 50, waitMs: 500 });
    assert.ok(r.closedByPeer, 'the proxy closes a connection whose request does not complete in time');
    assert.ok(!r.sentAll, 'the proxy gave up before the client finished its body');
    if (r.status !== undefined) assert.equal(r.status, 408);
    assertNeverReachedUpstream('/slow/body');
    await assertStillServing();
  });

  test('an idle connection that never sends anything is closed', async () => {
    const r = await rawExchange([''], { waitMs: 3000 });
    assert.ok(r.closedByPeer, 'a connection that sends no request is closed by the headers timeout');
  });
});

describe('hop-by-hop headers stop at the proxy', () => {
  test('Connection-named, keep-alive, te, upgrade and proxy-connection are stripped; end-to-end headers pass', async () => {
    const r = await rawExchange([
      'GET /hop/headers HTTP/1.1\r\nHost: example.com\r\n' +
        'Connection: close, x-foo, X-Bar\r\nX-Foo: 1\r\nX-Bar: 2\r\nKeep-Alive: timeout=5\r\nTE: gzip\r\n' +
        'Upgrade: websocket\r\nProxy-Connection: keep-alive\r\nX-End-To-End: kept\r\n\r\n',
    ]);
    assert.equal(r.status, 200, r.raw.slice(0, 300));
    const seen = backend.requests.find((q) => q.path === '/hop/headers');
    assert.ok(seen, 'the request reached the upstream');
    for (const h of ['x-foo', 'x-bar', 'keep-alive', 'te', 'upgrade', 'proxy-connection']) {
      assert.equal(seen.headers[h], undefined, `${h} must not be forwarded`);
    }
    assert.notEqual(seen.headers.connection, 'close, x-foo, X-Bar');
    assert.equal(seen.headers['x-end-to-end'], 'kept');
  });

  test('te: trailers passes (gRPC needs it)', async () => {
    const res = await httpGet(port, '/hop/te-trailers', { headers: { te: 'trailers' } });
    assert.equal(res.status, 200);
    assert.equal(res.json<{ headers: Record<string, string> }>().headers.te, 'trailers');
  });

  test('the Connection header cannot strip Host or Content-Length', async () => {
    const r = await rawExchange([
      'POST /hop/protected HTTP/1.1\r\nHost: example.com\r\nConnection: close, host, content-length\r\nContent-Length: 5\r\n\r\nhello',
    ]);
    assert.equal(r.status, 200, r.raw.slice(0, 300));
    const seen = backend.requests.find((q) => q.path === '/hop/protected');
    assert.equal(seen?.body, 'hello');
    assert.equal(seen?.headers.host, 'example.com');
  });

  test('an upgrade to something other than WebSocket is refused', async () => {
    const r = await rawExchange(['GET /hop/upgrade HTTP/1.1\r\nHost: example.com\r\nConnection: upgrade\r\nUpgrade: h2c-or-anything\r\n\r\n']);
    assert.ok(r.status !== undefined && r.status >= 400, `got ${r.raw.slice(0, 200)}`);
    assertNeverReachedUpstream('/hop/upgrade');
  });

  test('hop-by-hop response headers from the upstream stop at the proxy', async () => {
    backend.handler = (req, res) => {
      if (req.url !== '/hop/response') return false;
      res.writeHead(200, { connection: 'x-secret', 'x-secret': 'internal', 'keep-alive': 'timeout=99', 'proxy-connection': 'keep-alive', 'content-length': '2' });
      res.end('ok');
      return true;
    };
    try {
      const res = await httpGet(port, '/hop/response');
      assert.equal(res.status, 200);
      assert.equal(res.body, 'ok');
      assert.equal(res.headers['x-secret'], undefined);
      assert.equal(res.headers['proxy-connection'], undefined);
      assert.notEqual(res.headers['keep-alive'], 'timeout=99');
    } finally {
      backend.handler = undefined;
    }
  });
});

describe('malformed upstream responses', () => {
  // Envoy: a response breaking HTTP/1.1 is a protocol error (502, UPE); a connection closed before
  // a complete response head is a connection termination (503, UC).
  const cases: { path: string; name: string; status: number; flag: string }[] = [
    { path: '/raw/garbage-status', name: 'garbage status line', status: 502, flag: 'UPE' },
    { path: '/raw/cl-and-te', name: 'Content-Length and Transfer-Encoding together', status: 502, flag: 'UPE' },
    { path: '/raw/duplicate-cl', name: 'duplicate differing Content-Length', status: 502, flag: 'UPE' },
    { path: '/raw/bad-header-name', name: 'invalid header name', status: 502, flag: 'UPE' },
    { path: '/raw/closed-mid-headers', name: 'connection closed mid-headers', status: 503, flag: 'UC' },
    { path: '/raw/closed-before-response', name: 'connection closed before any response', status: 503, flag: 'UC' },
  ];
  for (const c of cases) {
    test(`${c.name}: ${c.status} ${c.flag}`, async () => {
      const res = await httpGet(port, c.path);
      assert.equal(res.status, c.status, res.body);
      assert.match(res.body, /^upstream connect error or disconnect\/reset before headers/);
      const line = await accessLogLine(c.path);
      assert.equal(line.split(' ')[2], c.flag, `the access log names why: ${line}`);
      await assertStillServing();
    });
  }

  for (const c of [
    { path: '/raw/truncated-body', name: 'a body shorter than its Content-Length' },
    { path: '/raw/bad-chunk', name: 'a malformed chunk' },
  ]) {
    test(`${c.name}: the downstream sees a reset, not a complete response`, async () => {
      const r = await rawExchange([`GET ${c.path} HTTP/1.1\r\nHost: example.com\r\n\r\n`], { waitMs: 3000 });
      assert.ok(r.closedByPeer, 'the proxy resets the downstream connection');
      if (r.status === 200) {
        // Headers were already forwarded: the body must end short (no terminating chunk).
        assert.ok(!/\r\n0\r\n\r\n$/.test(r.raw), `the truncated response must not look complete: ${JSON.stringify(r.raw.slice(-80))}`);
      } else if (r.status !== undefined) {
        assert.ok(r.status === 502 || r.status === 503, `got ${r.raw.slice(0, 200)}`);
      }
      const line = await accessLogLine(c.path);
      assert.ok(/\b(UPE|UC)\b/.test(line), `the access log names why: ${line}`);
      await assertStillServing();
    });
  }
});

/** The access log line of the last request for a path (logged when the stream completes). */
async function accessLogLine(path: string): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const line = [...proxy.accessLog].reverse().find((l) => l.startsWith(`${path} `));
    if (line) return line.trim();
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.fail(`no access log line for ${path}`);
}
