import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileHeaderMatcher, headerMatches, type HeaderMatcher } from './header-matcher.js';
import { compile, view } from './test-helpers.js';

function matcher(value: unknown): HeaderMatcher {
  const { value: m, errors } = compile(compileHeaderMatcher, value);
  assert.deepEqual(errors, []);
  return m!;
}

// [matcher, header value (undefined = absent), expected]
const CASES: [unknown, string | string[] | undefined, boolean][] = [
  [{ name: 'x', string_match: { exact: 'a' } }, 'a', true],
  [{ name: 'x', string_match: { exact: 'a' } }, 'b', false],
  [{ name: 'x', string_match: { exact: 'a' } }, undefined, false],
  [{ name: 'x', string_match: { exact: 'a' }, invert_match: true }, 'b', true],
  [{ name: 'x', string_match: { exact: 'a' }, invert_match: true }, undefined, false],
  [{ name: 'x', string_match: { exact: 'A', ignore_case: true } }, 'a', true],
  [{ name: 'x', string_match: { prefix: 'ab' } }, 'abc', true],
  [{ name: 'x', string_match: { suffix: 'bc' } }, 'abc', true],
  [{ name: 'x', string_match: { contains: 'b' } }, 'abc', true],
  [{ name: 'x', string_match: { safe_regex: { regex: '\\d{3}' } } }, '1234', false],
  [{ name: 'x', string_match: { safe_regex: { regex: '\\d{3}' } }, invert_match: true }, '1234', true],
  [{ name: 'x', present_match: true }, '', true],
  [{ name: 'x', present_match: true }, undefined, false],
  [{ name: 'x', present_match: false }, undefined, true],
  [{ name: 'x', present_match: true, invert_match: true }, undefined, true],
  [{ name: 'x', range_match: { start: '-10', end: '0' } }, '-1', true],
  [{ name: 'x', range_match: { start: -10, end: 0 } }, '0', false],
  [{ name: 'x', range_match: { start: -10, end: 0 } }, '-1x', false],
  [{ name: 'x', string_match: { safe_regex: { regex: '^$' } }, treat_missing_header_as_empty: true }, undefined, true],
  [{ name: 'x', string_match: { exact: 'a,b' } }, ['a', 'b'], true],
  [{ name: 'X-Mixed', exact_match: 'v' }, 'v', true],
];

test('header matchers follow Envoy for present, absent, inverted and repeated headers', () => {
  for (const [spec, value, expected] of CASES) {
    const m = matcher(spec);
    const headers = value === undefined ? {} : { [m.name]: value };
    assert.equal(headerMatches(m, view('/', { headers })), expected, JSON.stringify({ spec, value }));
  }
});

test('pseudo-headers read the request line', () => {
  assert.equal(headerMatches(matcher({ name: ':method', string_match: { exact: 'POST' } }), view('/', { method: 'POST' })), true);
  assert.equal(headerMatches(matcher({ name: ':authority', string_match: { prefix: 'rev' } }), view('/', { authority: 'reviews:9080' })), true);
});

test('empty prefix is rejected in favour of present_match', () => {
  assert.deepEqual(compile(compileHeaderMatcher, { name: 'x', prefix_match: '' }).errors, ['prefix_match: must not be empty']);
});
