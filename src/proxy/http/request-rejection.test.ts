import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rejectHttp1Request } from './request-rejection.js';

type Req = Parameters<typeof rejectHttp1Request>[0];

function req(url: string, extra: { method?: string; major?: number; headers?: number } = {}): Req {
  return { url, method: extra.method ?? 'GET', httpVersionMajor: extra.major ?? 1, headerCount: extra.headers ?? 1 };
}

const CASES: [string, Req, number | undefined][] = [
  ['origin-form', req('/reviews/1?x=y'), undefined],
  ['absolute-form with host and port', req('http://reviews.default:9080/reviews/1'), undefined],
  ['absolute-form without a path', req('http://reviews'), undefined],
  ['absolute-form with an IPv6 literal', req('http://[::1]:8080/x'), undefined],
  ['absolute-form with a query and no path', req('http://reviews?x=1'), undefined],
  ['OPTIONS *', req('*', { method: 'OPTIONS' }), undefined],
  ['* for GET', req('*'), 400],
  ['empty authority', req('http:///x'), 400],
  ['non-numeric port', req('http://reviews:port/x'), 400],
  ['port out of range', req('http://reviews:70000/x'), 400],
  ['empty port', req('http://reviews:/x'), 400],
  ['unterminated IPv6 literal', req('http://[::1/x'), 400],
  ['userinfo', req('http://user@reviews/x'), 400],
  ['https absolute-form (the stream reads http only)', req('https://reviews/x'), 400],
  ['relative target', req('reviews/x'), 400],
  ['HTTP/0.9', req('/x', { major: 0 }), 400],
  ['100 headers', req('/x', { headers: 100 }), undefined],
  ['101 headers', req('/x', { headers: 101 }), 431],
];

for (const [name, r, status] of CASES) {
  test(`rejectHttp1Request: ${name}`, () => {
    assert.equal(rejectHttp1Request(r, 100)?.status, status);
  });
}
