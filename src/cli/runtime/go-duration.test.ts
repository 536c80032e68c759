import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseGoDuration } from './go-duration.js';

test('Go durations as kubectl flags take them', () => {
  assert.equal(parseGoDuration('0', '--timeout'), 0);
  assert.equal(parseGoDuration('30s', '--timeout'), 30_000);
  assert.equal(parseGoDuration('1m30s', '--timeout'), 90_000);
  assert.equal(parseGoDuration('1.5h', '--timeout'), 5_400_000);
  assert.equal(parseGoDuration('250ms', '--timeout'), 250);
});

test('a bad duration names the flag', () => {
  assert.throws(() => parseGoDuration('10', '--timeout'), { message: 'error: invalid argument "10" for "--timeout" flag: time: invalid duration "10"' });
  assert.throws(() => parseGoDuration('', '--timeout'), /invalid duration ""/);
  assert.throws(() => parseGoDuration('5x', '--pod-running-timeout'), /"--pod-running-timeout" flag/);
});
