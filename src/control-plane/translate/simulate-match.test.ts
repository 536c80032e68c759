import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { routeMatches, selectFilterChain, selectVirtualHost, type RequestView } from './simulate-match.js';

const vhosts = [
  { name: 'any', domains: ['*'] },
  { name: 'prefix', domains: ['api.*'] },
  { name: 'suffix-short', domains: ['*.com'] },
  { name: 'suffix-long', domains: ['*.example.com'] },
  { name: 'exact', domains: ['www.example.com', 'www.example.com:8080'] },
];

describe("Envoy's virtual host selection", () => {
  const pick = (host: string, ignorePort = false) => selectVirtualHost(vhosts, host, ignorePort)?.name;
  it('prefers an exact domain, then the longest suffix wildcard, then a prefix wildcard, then *', () => {
    assert.equal(pick('www.example.com'), 'exact');
    assert.equal(pick('WWW.Example.com'), 'exact');
    assert.equal(pick('shop.example.com'), 'suffix-long');
    assert.equal(pick('shop.other.com'), 'suffix-short');
    assert.equal(pick('api.internal'), 'prefix');
    assert.equal(pick('localhost'), 'any');
  });
  it('matches the port as part of the host unless told to ignore it', () => {
    assert.equal(pick('www.example.com:8080'), 'exact');
    assert.equal(pick('www.example.com:9090'), 'any');
    assert.equal(pick('www.example.com:9090', true), 'exact');
  });
  it('returns nothing without a matching domain', () => {
    assert.equal(selectVirtualHost([{ name: 'x', domains: ['a.com'] }], 'b.com', false), undefined);
  });
});

describe("Envoy's route matching", () => {
  const req = (over: Partial<RequestView> = {}): RequestView => ({ authority: 'a', path: '/api/v1/items?debug=1', method: 'GET', scheme: 'http', headers: {}, ...over });
  it('matches prefix, exact path (without the query) and whole-string regex', () => {
    assert.equal(routeMatches({ prefix: '/api' }, req()), true);
    assert.equal(routeMatches({ path: '/api/v1/items' }, req()), true);
    assert.equal(routeMatches({ path: '/api/v1' }, req()), false);
    assert.equal(routeMatches({ safe_regex: { regex: '/api/v[0-9]+/.*' } }, req()), true);
    assert.equal(routeMatches({ safe_regex: { regex: '/api' } }, req()), false);
  });
  it('honours case_sensitive: false', () => {
    assert.equal(routeMatches({ prefix: '/API', case_sensitive: false }, req()), true);
    assert.equal(routeMatches({ prefix: '/API' }, req()), false);
  });
  it('matches headers, pseudo-headers and query parameters', () => {
    const r = req({ headers: { 'end-user': 'jason' }, method: 'POST' });
    assert.equal(routeMatches({ prefix: '/', headers: [{ name: 'end-user', string_match: { exact: 'jason' } }, { name: ':method', string_match: { exact: 'POST' } }] }, r), true);
    assert.equal(routeMatches({ prefix: '/', headers: [{ name: 'end-user', present_match: true }] }, req()), false);
    assert.equal(routeMatches({ prefix: '/', query_parameters: [{ name: 'debug', string_match: { exact: '1' } }] }, req()), true);
    assert.equal(routeMatches({ prefix: '/', query_parameters: [{ name: 'trace', present_match: true }] }, req()), false);
  });
  it('inverts header matches as Envoy does for missing headers', () => {
    const withoutUser = { prefix: '/', headers: [{ name: 'end-user', string_match: { exact: 'jason' }, invert_match: true, treat_missing_header_as_empty: true }] };
    assert.equal(routeMatches(withoutUser, req()), true, 'missing header treated as empty is not jason');
    assert.equal(routeMatches(withoutUser, req({ headers: { 'end-user': 'jason' } })), false);
    const notPresent = { prefix: '/', headers: [{ name: 'x-debug', present_match: true, invert_match: true }] };
    assert.equal(routeMatches(notPresent, req()), true);
    assert.equal(routeMatches(notPresent, req({ headers: { 'x-debug': '' } })), false);
    const strict = { prefix: '/', headers: [{ name: 'x-a', string_match: { exact: 'v' }, invert_match: true }] };
    assert.equal(routeMatches(strict, req()), false, 'a missing header fails an inverted value match');
  });
});

describe("Envoy's filter chain selection", () => {
  const chains = [
    { name: 'port-tls-istio', filter_chain_match: { destination_port: 9080, transport_protocol: 'tls', application_protocols: ['istio'] } },
    { name: 'port-raw', filter_chain_match: { destination_port: 9080, transport_protocol: 'raw_buffer' } },
    { name: 'sni', filter_chain_match: { server_names: ['api.example.com'] } },
    { name: 'sni-wildcard', filter_chain_match: { server_names: ['*.example.com'] } },
    { name: 'catch-all' },
  ];
  const pick = (conn: Partial<Parameters<typeof selectFilterChain>[1]>) => selectFilterChain(chains, { destinationPort: 1, destinationAddress: '', transportProtocol: 'raw_buffer', applicationProtocols: [], ...conn })?.name;
  it('narrows by destination port first, then transport and ALPN', () => {
    assert.equal(pick({ destinationPort: 9080, transportProtocol: 'tls', applicationProtocols: ['istio'] }), 'port-tls-istio');
    assert.equal(pick({ destinationPort: 9080 }), 'port-raw');
    assert.equal(pick({ destinationPort: 9080, transportProtocol: 'tls' }), undefined);
  });
  it('prefers an exact server name over a wildcard, and chains without names last', () => {
    assert.equal(pick({ sni: 'api.example.com', transportProtocol: 'tls' }), 'sni');
    assert.equal(pick({ sni: 'www.example.com', transportProtocol: 'tls' }), 'sni-wildcard');
    assert.equal(pick({ sni: 'other.org', transportProtocol: 'tls' }), 'catch-all');
    assert.equal(pick({}), 'catch-all');
  });
});
