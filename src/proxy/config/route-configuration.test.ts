import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileRouteConfiguration, findRoute, findVirtualHost, type RouteConfiguration } from './route-configuration.js';
import { pickWeightedCluster } from './route-action.js';
import { applyHeaderMutation } from './header-mutation.js';
import { compile, view } from './test-helpers.js';
import type { HeaderMap } from './request-view.js';

function vh(name: string, domains: string[], routes: unknown[] = [{ match: { prefix: '/' }, route: { cluster: name } }]) {
  return { name, domains, routes };
}

function build(value: unknown): RouteConfiguration {
  const { value: rc, errors } = compile(compileRouteConfiguration, value);
  assert.deepEqual(errors, []);
  return rc!;
}

test('virtual hosts are chosen exact, then *.suffix longest first, then prefix.*, then *', () => {
  const rc = build({
    name: '9080',
    virtual_hosts: [
      vh('default', ['*']),
      vh('short-suffix', ['*.com']),
      vh('long-suffix', ['*.example.com']),
      vh('prefix', ['api.*']),
      vh('exact', ['www.example.com', 'reviews:9080']),
    ],
  });
  const pick = (host: string) => findVirtualHost(rc, host)?.name;
  assert.equal(pick('www.example.com'), 'exact');
  assert.equal(pick('reviews:9080'), 'exact');
  assert.equal(pick('reviews'), 'default');
  assert.equal(pick('foo.example.com'), 'long-suffix');
  assert.equal(pick('foo.other.com'), 'short-suffix');
  // The wildcard must stand for at least one character.
  assert.equal(pick('.example.com'), 'short-suffix');
  assert.equal(pick('api.internal'), 'prefix');
  assert.equal(pick('api.'), 'default');
});

test('ignore_port_in_host_matching strips the port before matching', () => {
  const rc = build({ name: 'x', ignore_port_in_host_matching: true, virtual_hosts: [vh('a', ['reviews'])] });
  assert.equal(findVirtualHost(rc, 'reviews:9080')?.name, 'a');
  assert.equal(findVirtualHost(rc, '[::1]')?.name, undefined);
});

test('routes match in order: prefix, path, regex, separated prefix, headers, query', () => {
  const rc = build({
    name: 'r',
    virtual_hosts: [
      vh('v', ['*'], [
        { name: 'exact', match: { path: '/login' }, route: { cluster: 'login' } },
        { name: 'regex', match: { safe_regex: { regex: '/items/[0-9]+' } }, route: { cluster: 'items' } },
        { name: 'sep', match: { path_separated_prefix: '/api/dev' }, route: { cluster: 'dev' } },
        { name: 'ci', match: { prefix: '/CASE', case_sensitive: false }, route: { cluster: 'case' } },
        {
          name: 'jason',
          match: { prefix: '/', headers: [{ name: 'end-user', string_match: { exact: 'jason' } }] },
          route: { cluster: 'v2' },
        },
        {
          name: 'not-chrome',
          match: { prefix: '/', headers: [{ name: 'user-agent', string_match: { contains: 'Chrome' }, invert_match: true }] },
          route: { cluster: 'not-chrome' },
        },
        { name: 'query', match: { prefix: '/', query_parameters: [{ name: 'debug', present_match: true }] }, route: { cluster: 'debug' } },
        { name: 'absent', match: { prefix: '/', headers: [{ name: 'x-skip', present_match: false }] }, route: { cluster: 'no-skip' } },
        { name: 'catch-all', match: { prefix: '/' }, route: { cluster: 'v1' } },
      ]),
    ],
  });
  const vhost = rc.virtualHosts[0]!;
  const route = (path: string, headers: HeaderMap = {}) => findRoute(vhost, view(path, { headers }))?.name;
  const chrome = { 'user-agent': 'Mozilla Chrome/1', 'x-skip': '1' };
  assert.equal(route('/login', chrome), 'exact');
  assert.equal(route('/login?next=/', chrome), 'exact');
  assert.equal(route('/items/42?x=1', chrome), 'regex');
  assert.equal(route('/items/42/more', chrome), 'catch-all');
  assert.equal(route('/api/dev', chrome), 'sep');
  assert.equal(route('/api/dev/v1', chrome), 'sep');
  assert.equal(route('/api/developer', chrome), 'catch-all');
  assert.equal(route('/case/x', chrome), 'ci');
  assert.equal(route('/x', { ...chrome, 'end-user': 'jason' }), 'jason');
  // A missing header never satisfies an inverted value match.
  assert.equal(route('/x'), 'absent');
  assert.equal(route('/x', { 'user-agent': 'curl' }), 'not-chrome');
  assert.equal(route('/x?debug', chrome), 'query');
  assert.equal(route('/x?debug=1', { ...chrome, 'x-skip': '1' }), 'query');
  assert.equal(route('/x', { ...chrome, 'x-skip': '1' }), 'catch-all');
});

test('weighted clusters: the total must add up and a value picks its bucket', () => {
  const rc = build({
    name: 'w',
    virtual_hosts: [
      vh('v', ['*'], [
        {
          match: { prefix: '/' },
          route: { weighted_clusters: { clusters: [{ name: 'a', weight: 10 }, { name: 'b', weight: 0 }, { name: 'c', weight: 90 }], total_weight: 100 } },
        },
      ]),
    ],
  });
  const w = rc.virtualHosts[0]!.routes[0]!.action!.weightedClusters!;
  assert.equal(w.totalWeight, 100);
  assert.equal(pickWeightedCluster(w, 0).name, 'a');
  assert.equal(pickWeightedCluster(w, 9).name, 'a');
  assert.equal(pickWeightedCluster(w, 10).name, 'c');
  assert.equal(pickWeightedCluster(w, 99).name, 'c');

  const bad = compile(compileRouteConfiguration, {
    name: 'w',
    virtual_hosts: [vh('v', ['*'], [{ match: { prefix: '/' }, route: { weighted_clusters: { clusters: [{ name: 'a', weight: 10 }], total_weight: 100 } } }])],
  });
  assert.deepEqual(bad.errors, ['virtual_hosts[0].routes[0].route.weighted_clusters.total_weight: is 100 but the cluster weights add up to 10']);
});

test('timeouts: 15s by default, 0s disables, durations parse', () => {
  const rc = build({
    name: 't',
    virtual_hosts: [
      vh('v', ['*'], [
        { match: { prefix: '/a' }, route: { cluster: 'x' } },
        { match: { prefix: '/b' }, route: { cluster: 'x', timeout: '0s' } },
        { match: { prefix: '/c' }, route: { cluster: 'x', timeout: '0.5s' } },
      ]),
    ],
  });
  assert.deepEqual(rc.virtualHosts[0]!.routes.map((r) => r.action!.timeoutMs), [15000, 0, 500]);
});

test('errors name the field path of what cannot be honoured', () => {
  const { errors } = compile(compileRouteConfiguration, {
    name: 'bad',
    virtual_hosts: [
      vh('dup1', ['a.com']),
      vh('dup2', ['a.com']),
      vh('v', ['*'], [
        { match: { safe_regex: { regex: '(?=x)' } }, route: { cluster: 'x' } },
        { match: { prefix: '/' }, route: { cluster: 'x', hedge_policy: {} } },
        { match: { prefix: '/', tls_context: {} }, route: { cluster: 'x' } },
        { match: { prefix: '/' }, route: { cluster: 'x', retry_policy: { retry_on: '5xx,sometimes' } } },
        { match: { prefix: '/' }, route: { cluster: 'x' }, shiny_new_field: 1 },
        { match: { prefix: '/' }, route: { cluster: 'x' }, request_headers_to_add: [{ header: { key: ':path', value: '/' } }] },
      ]),
    ],
  });
  assert.deepEqual(errors, [
    'virtual_hosts[1].domains[0]: domain "a.com" is already used by virtual host "dup1"; domains must be unique',
    'virtual_hosts[2].routes[0].match.safe_regex.regex: lookaround assertions are not supported by RE2',
    'virtual_hosts[2].routes[1].route.hedge_policy: request hedging is not supported by the Skiff proxy',
    'virtual_hosts[2].routes[2].match.tls_context: matching on this is not supported by the Skiff proxy',
    'virtual_hosts[2].routes[3].route.retry_policy.retry_on: unknown retry condition "sometimes"',
    'virtual_hosts[2].routes[4].shiny_new_field: field is not supported by the Skiff proxy',
    'virtual_hosts[2].routes[5].request_headers_to_add[0].header.key: :-prefixed or host headers may not be modified',
  ]);
});

test('camelCase field names are read like their proto names', () => {
  const rc = build({ name: 'c', virtualHosts: [{ name: 'v', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster: 'x', prefixRewrite: '/v2' } }] }] });
  assert.equal(rc.virtualHosts[0]!.routes[0]!.action!.prefixRewrite, '/v2');
});

test('header mutations: route first, then virtual host, then route configuration; the last wins', () => {
  const rc = build({
    name: 'h',
    request_headers_to_add: [{ header: { key: 'x-level', value: 'config' }, append_action: 'OVERWRITE_IF_EXISTS_OR_ADD' }],
    virtual_hosts: [
      {
        name: 'v',
        domains: ['*'],
        request_headers_to_add: [{ header: { key: 'x-level', value: 'vhost' }, append_action: 'OVERWRITE_IF_EXISTS_OR_ADD' }],
        routes: [
          {
            match: { prefix: '/' },
            route: { cluster: 'x' },
            request_headers_to_add: [
              { header: { key: 'x-level', value: 'route' }, append_action: 'OVERWRITE_IF_EXISTS_OR_ADD' },
              { header: { key: 'x-multi', value: 'b' } },
              { header: { key: 'x-absent', value: 'new' }, append_action: 'ADD_IF_ABSENT' },
              { header: { key: 'x-client', value: '%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%' }, append: false },
            ],
            request_headers_to_remove: ['x-secret'],
          },
        ],
      },
    ],
  });
  const route = rc.virtualHosts[0]!.routes[0]!;
  const headers: HeaderMap = { 'x-multi': 'a', 'x-secret': 's', 'x-absent': 'old' };
  const ctx = { downstreamRemoteAddress: '10.1.2.3', downstreamRemotePort: 5555, protocol: 'HTTP/1.1', requestHeaders: headers };
  for (const m of route.requestHeaders) applyHeaderMutation(m, headers, ctx);
  assert.deepEqual(headers, { 'x-multi': ['a', 'b'], 'x-absent': 'old', 'x-level': 'config', 'x-client': '10.1.2.3' });

  const unsupported = compile(compileRouteConfiguration, {
    name: 'h',
    virtual_hosts: [{ name: 'v', domains: ['*'], request_headers_to_add: [{ header: { key: 'x', value: '%START_TIME%' } }], routes: [] }],
  });
  assert.deepEqual(unsupported.errors, ['virtual_hosts[0].request_headers_to_add[0].header.value: command operator %START_TIME% is not supported by the Skiff proxy']);
});

test('redirects and direct responses compile', () => {
  const rc = build({
    name: 'd',
    virtual_hosts: [
      vh('v', ['*'], [
        { match: { prefix: '/old' }, redirect: { prefix_rewrite: '/new', response_code: 'PERMANENT_REDIRECT', https_redirect: true } },
        { match: { prefix: '/' }, direct_response: { status: 418, body: { inline_string: 'teapot' } } },
      ]),
    ],
  });
  const [redirect, direct] = rc.virtualHosts[0]!.routes;
  assert.equal(redirect!.redirect!.responseCode, 308);
  assert.equal(redirect!.redirect!.scheme, 'https');
  assert.equal(direct!.directResponse!.status, 418);
  assert.equal(direct!.directResponse!.body!.toString(), 'teapot');
});
