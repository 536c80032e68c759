import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileRetryPolicy } from '../config/retry-policy.js';
import { compile } from '../config/test-helpers.js';
import { ResourceLimit } from '../upstream/circuit-breaker.js';
import { RetryState } from './retry-state.js';

function state(policy: Record<string, unknown>, budget = new ResourceLimit(3), random = () => 0.999) {
  const { value, errors } = compile(compileRetryPolicy, policy);
  assert.deepEqual(errors, []);
  return new RetryState(value!, budget, random);
}

test('retry_on conditions against responses', () => {
  const cases: [string, number, Record<string, string>, boolean][] = [
    ['5xx', 500, {}, true],
    ['5xx', 404, {}, false],
    ['gateway-error', 500, {}, false],
    ['gateway-error', 503, {}, true],
    ['retriable-4xx', 409, {}, true],
    ['retriable-4xx', 404, {}, false],
    ['envoy-ratelimited', 429, { 'x-envoy-ratelimited': 'true' }, true],
    ['unavailable', 200, { 'grpc-status': '14' }, true],
    ['cancelled,internal', 200, { 'grpc-status': '14' }, false],
    ['connect-failure', 503, {}, false],
  ];
  for (const [on, status, headers, expected] of cases) {
    assert.equal(state({ retry_on: on }).wouldRetryResponse(status, headers), expected, `${on} ${status}`);
  }
  const codes = state({ retry_on: 'retriable-status-codes', retriable_status_codes: [418] });
  assert.equal(codes.wouldRetryResponse(418, {}), true);
  assert.equal(codes.wouldRetryResponse(503, {}), false);
  const hdr = state({ retry_on: 'retriable-headers', retriable_headers: [{ name: 'x-retry-me', present_match: true }] });
  assert.equal(hdr.wouldRetryResponse(200, { 'x-retry-me': '1' }), true);
});

test('failures: 5xx, gateway-error and reset cover resets; connect-failure only connection failures', () => {
  assert.equal(state({ retry_on: '5xx' }).wouldRetryFailure('reset'), true);
  assert.equal(state({ retry_on: 'gateway-error' }).wouldRetryFailure('per-try-timeout'), true);
  assert.equal(state({ retry_on: 'connect-failure' }).wouldRetryFailure('connect-failure'), true);
  assert.equal(state({ retry_on: 'connect-failure' }).wouldRetryFailure('reset'), false);
  assert.equal(state({ retry_on: 'refused-stream' }).wouldRetryFailure('refused-stream'), true);
  assert.equal(state({ retry_on: '5xx' }).wouldRetryFailure('overflow'), false);
});

test('num_retries and the max_retries circuit breaker bound retries', () => {
  const s = state({ retry_on: '5xx', num_retries: 2 });
  assert.equal(s.consume(), 'retry');
  assert.equal(s.consume(), 'retry');
  assert.equal(s.consume(), 'limit');
  const full = new ResourceLimit(1);
  full.inc();
  assert.equal(state({ retry_on: '5xx', num_retries: 5 }, full).consume(), 'overflow');
});

test('backoff is fully jittered under base × (2^n − 1), capped by max_interval', () => {
  const s = state({ retry_on: '5xx', num_retries: 10, retry_back_off: { base_interval: '0.025s', max_interval: '0.1s' } });
  const bounds: number[] = [];
  for (let i = 0; i < 4; i++) {
    s.consume();
    bounds.push(s.backoffMs());
  }
  // random() = 0.999: just under each upper bound (25, 75, 100 capped, 100 capped).
  assert.deepEqual(bounds, [24, 74, 99, 99]);
});
