import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseLoadArgs } from './load-options.js';
import { runLoad } from './load-runner.js';
import { formatLoadReport, percentile } from './load-report.js';

test('load flags parse as fortio spells them', () => {
  const o = parseLoadArgs(['-c', '2', '-qps', '0', '-n', '20', '-loglevel', 'Warning', '-H', 'End-User: jason', 'http://ratings:9080/ratings/0']);
  assert.deepEqual([o.connections, o.qps, o.calls, o.logLevel, o.headers['end-user'], o.url], [2, 0, 20, 'Warning', 'jason', 'http://ratings:9080/ratings/0']);
  assert.equal(parseLoadArgs(['-t', '1.5s', 'http://a/']).durationMs, 1500);
  assert.equal(parseLoadArgs(['-qps=5', 'http://a/']).qps, 5);
});

test('bad load flags name the flag', () => {
  assert.throws(() => parseLoadArgs(['-c', '0', 'http://a/']), /-c: expected an integer >= 1/);
  assert.throws(() => parseLoadArgs(['-qps', 'fast', 'http://a/']), /-qps/);
  assert.throws(() => parseLoadArgs(['-t', 'forever', 'http://a/']), /-t: expected a duration/);
  assert.throws(() => parseLoadArgs(['-bogus', 'http://a/']), /flag provided but not defined: -bogus/);
  assert.throws(() => parseLoadArgs(['-c', '2']), /missing URL/);
  assert.throws(() => parseLoadArgs(['ftp://x/']), /unsupported URL scheme/);
  assert.throws(() => parseLoadArgs(['-H', 'nocolon', 'http://a/']), /-H/);
});

test('percentiles pick the sample at the rank', () => {
  const s = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  assert.equal(percentile(s, 50), 5);
  assert.equal(percentile(s, 90), 9);
  assert.equal(percentile(s, 99.9), 10);
});

test('a load run counts every call by status code and prints fortio lines', async () => {
  let n = 0;
  const server = createServer((req, res) => {
    n++;
    res.writeHead(n % 4 === 0 ? 503 : 200, { 'content-type': 'text/plain' });
    res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  try {
    const opts = parseLoadArgs(['-c', '2', '-qps', '0', '-n', '20', `http://127.0.0.1:${port}/`]);
    const r = await runLoad(opts, {});
    assert.equal(r.durations.length, 20);
    assert.equal(r.codes.get(200), 15);
    assert.equal(r.codes.get(503), 5);
    assert.ok(r.socketsUsed >= 2 && r.socketsUsed <= 4, `sockets ${r.socketsUsed}`);
    const text = formatLoadReport(opts, r, 'test');
    assert.match(text, /^Code 200 : 15 \(75\.0 %\)$/m);
    assert.match(text, /^Code 503 : 5 \(25\.0 %\)$/m);
    assert.match(text, /^# target 50% [\d.e-]+$/m);
    assert.match(text, /^All done 20 calls \(plus 0 warmup\)/m);
  } finally {
    server.close();
  }
});

test('a refused connection counts as code -1', async () => {
  const opts = parseLoadArgs(['-c', '1', '-n', '3', '-qps', '0', 'http://127.0.0.1:1/']);
  const r = await runLoad(opts, {});
  assert.equal(r.codes.get(-1), 3);
});
