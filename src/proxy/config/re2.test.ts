import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileFullMatch, compileSearch, translateRe2, translateSubstitution } from './re2.js';

test('RE2 named groups, anchors and POSIX classes translate to JavaScript', () => {
  assert.deepEqual(translateRe2('(?P<id>\\d+)'), { source: '(?<id>\\d+)', flags: '' });
  assert.deepEqual(translateRe2('\\Afoo\\z'), { source: '^foo$', flags: '' });
  assert.deepEqual(translateRe2('[[:digit:]x]+'), { source: '[0-9x]+', flags: '' });
  assert.deepEqual(translateRe2('(?i)abc'), { source: 'abc', flags: 'i' });
  assert.deepEqual(translateRe2('\\Q1.5*\\E'), { source: '1\\.5\\*', flags: '' });
});

test('constructs RE2 rejects are rejected with a reason', () => {
  assert.match(translateRe2('a(?=b)') as string, /lookaround/);
  assert.match(translateRe2('(a)\\1') as string, /backreference/);
  assert.match(translateRe2('a(?i)b') as string, /only supported at the start/);
  assert.match(translateRe2('[abc') as string, /missing closing|invalid/);
});

test('full-match regexes must match the whole input', () => {
  const re = compileFullMatch('/api/v[0-9]+') as RegExp;
  assert.equal(re.test('/api/v1'), true);
  assert.equal(re.test('/api/v1/extra'), false);
  const alt = compileFullMatch('a|b') as RegExp;
  assert.equal(alt.test('ab'), false);
  assert.equal(alt.test('b'), true);
});

test('regex rewrite substitutions use \\N group references', () => {
  const re = compileSearch('^/service/([^/]+)(/.*)$') as RegExp;
  assert.equal('/service/foo/v1/api'.replace(re, translateSubstitution('\\2/instance/\\1')), '/v1/api/instance/foo');
  assert.equal('/aaa'.replace(compileSearch('a') as RegExp, translateSubstitution('$')), '/$$$');
});
