#!/usr/bin/env node
// An open-loop, constant-rate HTTP/1.1 load generator (what wrk2 and fortio -qps do; wrk itself
// cannot hold a rate). It runs in its own process so it never shares an event loop with a proxy.
//
// Request i is due at start + i/rate and is handed to its connection on schedule whether or not
// earlier answers came back: a request behind a slow one waits in that connection's queue, and
// the wait is part of its latency. Nothing the target does holds a request back, so the figures
// do not suffer coordinated omission. Requests go round-robin over `connections` keep-alive
// connections, one in flight per connection (fortio's -c 16 -qps 1000: 62.5 rps each).
//
// Two histograms: `histogram` from when each request was dispatched (the reported percentiles),
// and `from_intended` from its ideal send time, as wrk2 measures. The difference is this
// process's own timer lag (Node timers tick per millisecond, later on a busy machine): noise,
// not the target, which is why the reported figures leave it out.
//
// stdout, one JSON object per line: {"event":"start"}, {"event":"end"}, then {"event":"result",…}
// with latencies in milliseconds.
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { Client } from 'undici';
import hdr from 'hdr-histogram-js';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    rate: { type: 'string', default: '1000' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '16' },
    'expect-bytes': { type: 'string' },
    warmup: { type: 'string', default: '0.5' },
  },
});

function fail(message) {
  process.stderr.write(`constant-rate: ${message}\n`);
  process.exit(2);
}

if (!values.url) fail('--url is required');
const url = new URL(values.url);
if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname) && !url.hostname.startsWith('127.')) fail(`--url must be a loopback address, got ${url.hostname}`);
const rate = Number(values.rate);
const duration = Number(values.duration);
const connections = Number(values.connections);
const expectBytes = values['expect-bytes'] === undefined ? undefined : Number(values['expect-bytes']);
if (!(rate > 0)) fail(`--rate must be a positive number, got ${values.rate}`);
if (!(duration > 0)) fail(`--duration must be a positive number of seconds, got ${values.duration}`);
if (!Number.isInteger(connections) || connections < 1) fail(`--connections must be a positive integer, got ${values.connections}`);
const warmup = Number(values.warmup);
if (!(warmup >= 0)) fail(`--warmup must be a number of seconds (0 or more), got ${values.warmup}`);

const emit = (obj) => process.stdout.write(`${JSON.stringify(obj)}\n`);

// Microseconds, 3 significant digits, up to 2 minutes.
const histogramOptions = { lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: 3 };
const histogram = hdr.build(histogramOptions);
const fromIntended = hdr.build(histogramOptions);
const clients = Array.from({ length: connections }, () => new Client(url.origin, {
  pipelining: 1,
  keepAliveTimeout: 60_000,
  headersTimeout: 10_000,
  bodyTimeout: 10_000,
}));

// The first `warmup` seconds at the same rate open the connections and warm the JIT (here and in
// a Node target) and are not recorded; {"event":"start"} marks the first recorded request.
const warmupCount = Math.round(rate * warmup);
const total = warmupCount + Math.round(rate * duration);
const intervalMs = 1000 / rate;
const path = url.pathname + url.search;
let sent = 0;
let done = 0;
let ok = 0;
let non2xx = 0;
let wrongSize = 0;
const errors = new Map();
let startedAt = 0;
let measuredFrom = 0;
let lastCompletion = 0;
let finish;
const finished = new Promise((resolve) => { finish = resolve; });

function complete() {
  done += 1;
  if (done === total) finish();
}

// dispatch() with a bare handler, not request(): no body stream or promise per request, so the
// generator spends as little CPU per request as it can and stays out of the measurement.
class ResponseHandler {
  constructor(intended, dispatched, recorded) {
    this.intended = intended;
    this.dispatched = dispatched;
    this.recorded = recorded;
    this.status = 0;
    this.bytes = 0;
  }

  onRequestStart() {}

  onResponseStart(controller, statusCode) {
    this.status = statusCode;
  }

  onResponseData(controller, chunk) {
    this.bytes += chunk.length;
  }

  onResponseEnd() {
    if (!this.recorded) return complete();
    const now = performance.now();
    lastCompletion = now;
    histogram.recordValue(Math.max(1, Math.round((now - this.dispatched) * 1000)));
    fromIntended.recordValue(Math.max(1, Math.round((now - this.intended) * 1000)));
    if (this.status < 200 || this.status > 299) non2xx += 1;
    else if (expectBytes !== undefined && this.bytes !== expectBytes) wrongSize += 1;
    else ok += 1;
    complete();
  }

  onResponseError(controller, e) {
    if (!this.recorded) return complete();
    const key = e.code ?? e.message;
    errors.set(key, (errors.get(key) ?? 0) + 1);
    complete();
  }
}

function fire(index) {
  const intended = startedAt + index * intervalMs;
  const recorded = index >= warmupCount;
  if (index === warmupCount) {
    measuredFrom = intended;
    emit({ event: 'start' });
  }
  const handler = new ResponseHandler(intended, performance.now(), recorded);
  clients[index % connections].dispatch({ path, method: 'GET', headers: { host: url.host } }, handler);
}

function tick() {
  const due = Math.min(total, Math.floor((performance.now() - startedAt) / intervalMs) + 1);
  while (sent < due) fire(sent++);
  if (sent < total) setTimeout(tick, 1);
}

startedAt = performance.now();
tick();
const drainLimit = setTimeout(finish, (duration + 15) * 1000);
await finished;
clearTimeout(drainLimit);
emit({ event: 'end' });

const elapsedS = (Math.max(lastCompletion, measuredFrom) - measuredFrom) / 1000;
const ms = (p, h = histogram) => (h.totalCount > 0 ? Math.round(h.getValueAtPercentile(p)) / 1000 : null);
emit({
  event: 'result',
  target_rps: rate,
  connections,
  duration_s: duration,
  warmup_s: warmup,
  requests: total - warmupCount,
  completed: ok + non2xx + wrongSize + [...errors.values()].reduce((a, n) => a + n, 0),
  ok,
  non2xx,
  wrong_size: wrongSize,
  errors: Object.fromEntries(errors),
  unfinished: total - done,
  achieved_rps: elapsedS > 0 ? Math.round((ok + non2xx + wrongSize) / elapsedS) : 0,
  p50_ms: ms(50),
  p90_ms: ms(90),
  p99_ms: ms(99),
  p999_ms: ms(99.9),
  max_ms: histogram.totalCount > 0 ? Math.round(histogram.maxValue) / 1000 : null,
  from_intended: { p50_ms: ms(50, fromIntended), p90_ms: ms(90, fromIntended), p99_ms: ms(99, fromIntended) },
  // The whole histograms (µs), so a caller can merge slices and take percentiles over all of them.
  histogram: hdr.encodeIntoCompressedBase64(histogram),
  histogram_from_intended: hdr.encodeIntoCompressedBase64(fromIntended),
});
await Promise.allSettled(clients.map((c) => c.destroy()));
process.exit(0);
