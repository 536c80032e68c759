import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileRedirect } from '../config/local-responses.js';
import { compileRouteMatch } from '../config/route-match.js';
import { compile, view } from '../config/test-helpers.js';
import { normalizePath } from '../http/path-normalization.js';
import { redirectLocation, rewritePath } from './path-rewrite.js';

const match = (m: unknown) => compile(compileRouteMatch, m).value!;

test('prefix_rewrite replaces the matched prefix and keeps the query', () => {
  assert.equal(rewritePath('/api/v1/x?q=1', match({ prefix: '/api' }), '/internal', undefined), '/internal/v1/x?q=1');
  // Envoy replaces text as is: "/prefix" → "/" leaves the next slash.
  assert.equal(rewritePath('/productpage/x', match({ prefix: '/productpage' }), '/', undefined), '//x');
  assert.equal(rewritePath('/exact?a', match({ path: '/exact' }), '/other', undefined), '/other?a');
});

test('redirect locations follow Envoy: scheme change drops the standard port, port_redirect, strip_query', () => {
  const r = (spec: unknown) => compile(compileRedirect, spec).value!;
  const req = view('/old/a?x=1', { authority: 'shop.example:80' });
  assert.equal(redirectLocation(r({ https_redirect: true }), req, match({ prefix: '/' })), 'https://shop.example/old/a?x=1');
  assert.equal(redirectLocation(r({ port_redirect: 8443, scheme_redirect: 'https' }), req, match({ prefix: '/' })), 'https://shop.example:8443/old/a?x=1');
  assert.equal(redirectLocation(r({ host_redirect: 'new.example', prefix_rewrite: '/new', strip_query: true }), req, match({ prefix: '/old' })), 'http://new.example/new/a');
  assert.equal(redirectLocation(r({ path_redirect: '/fixed' }), req, match({ prefix: '/' })), 'http://shop.example/fixed?x=1');
});

test('normalize_path removes dot segments and merge_slashes collapses slashes, query untouched', () => {
  assert.equal(normalizePath('/a/./b/../c?x=/../', true, false), '/a/c?x=/../');
  assert.equal(normalizePath('/a\\b', true, false), '/a/b');
  assert.equal(normalizePath('//a///b', false, true), '/a/b');
  assert.equal(normalizePath('/../..', true, false), '/');
});
