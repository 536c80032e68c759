import { test } from 'node:test';
import assert from 'node:assert/strict';
import { regexProblem } from './string-match.js';
import { headerValueProblem, matchHeaderNameProblem } from './headers.js';

test('valid RE2 patterns that JavaScript spells differently are accepted', () => {
  for (const p of ['(?i)^/foo', '(?i:abc)def', '^(?P<id>\\d+)$', '\\Aabc\\z', '\\Q.*\\E+', '\\pL+', '\\p{Greek}', '\\P{Lu}', '\\x{41}', 'a\\-b', '[a\\-z]', '[[:digit:]]+', '(?s).', '(?U)a*']) {
    assert.equal(regexProblem(p), undefined, p);
  }
});

test('patterns RE2 cannot run are rejected, saying why', () => {
  assert.match(regexProblem('(?=x)')!, /lookahead/);
  assert.match(regexProblem('(?<!x)y')!, /lookbehind/);
  assert.match(regexProblem('(a)\\1')!, /backreferences/);
  assert.match(regexProblem('/api/(v1')!, /invalid regular expression/);
  assert.match(regexProblem('x'.repeat(1025))!, /too long/);
  assert.match(regexProblem('')!, /must not be empty/);
});

test('header values follow Envoy\'s %VAR% grammar', () => {
  for (const v of ['foo', '%HOSTNAME%', '100%%', 'prefix %HOSTNAME% suffix', '%REQ(x-id)%', '%START_TIME(%s)%', '%ENVIRONMENT(["A", "B"])%', '']) {
    assert.equal(headerValueProblem(v), undefined, v);
  }
  for (const v of ['abc%123', '%START_TIME%%', '50%', 'a\u0001b']) assert.ok(headerValueProblem(v), v);
});

test('match header names: lowercase tokens, pseudo-headers and JWT claims', () => {
  for (const n of ['end-user', ':authority', '@request.auth.claims.groups', '@request.auth.claims[nested][key]', 'x_custom']) {
    assert.equal(matchHeaderNameProblem(n), undefined, n);
  }
  assert.match(matchHeaderNameProblem('End-User')!, /must be lowercase \("end-user"\)/);
  assert.match(matchHeaderNameProblem('bad header')!, /not a valid header name/);
  assert.match(matchHeaderNameProblem('')!, /must not be empty/);
});
