import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileFormat, isoTimestamp, renderText } from './access-log-format.js';
import type { StreamInfo } from './stream-info.js';

test('START_TIME matches Date#toISOString across milliseconds and second boundaries', () => {
  const base = Date.UTC(2024, 0, 2, 3, 4, 5);
  for (const ms of [base, base + 1, base + 9, base + 10, base + 99, base + 100, base + 999, base + 1000, base + 1007, base - 1, 0, 951782400000 + 86_399_999]) {
    assert.equal(isoTimestamp(ms), new Date(ms).toISOString(), `for ${ms}`);
  }
});

test('a text format renders START_TIME and absent values as Envoy does', () => {
  const parts = compileFormat('[%START_TIME%] %RESPONSE_CODE% %UPSTREAM_HOST%\n');
  assert.ok(Array.isArray(parts));
  const info = { startTime: Date.UTC(2024, 0, 2, 3, 4, 5, 6), responseCode: 200, upstreamHost: undefined } as unknown as StreamInfo;
  assert.equal(renderText(parts, info), '[2024-01-02T03:04:05.006Z] 200 -\n');
});
