import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Resource } from '../../config/resource.js';
import { PushContext } from '../model/push-context.js';
import { nodeId } from '../model/proxy.js';
import type { Json } from './envoy-common.js';
import { buildRoutes } from './routes.js';
import type { TranslationProblem } from './route-policies.js';

const service: Resource = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'reviews', namespace: 'default' }, spec: { selector: { app: 'reviews' }, ports: [{ name: 'http', port: 9080 }] } };
const mirrorSvc: Resource = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'shadow', namespace: 'default' }, spec: { selector: { app: 'shadow' }, ports: [{ name: 'http', port: 8000 }] } };
const client = { name: 'client-1', namespace: 'default', address: '10.0.0.9', ports: [], labels: { app: 'client' }, healthy: true };

/** The Envoy routes the client sidecar gets for reviews:9080 from one VirtualService spec. */
function routesFor(http: unknown[], problems: TranslationProblem[] = []): Json[] {
  const vs: Resource = { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'reviews', namespace: 'default' }, spec: { hosts: ['reviews'], http } };
  const push = PushContext.build({ configs: [service, mirrorSvc, vs], workloads: [client] });
  const proxy = push.proxyFor(nodeId('sidecar', '10.0.0.9', 'client-1', 'default'));
  const [rc] = buildRoutes(proxy, push, ['9080'], problems);
  const vh = (rc!.virtual_hosts as Json[]).find((v) => v.name === 'reviews.default.svc.cluster.local:9080')!;
  return vh.routes as Json[];
}

const dest = { destination: { host: 'reviews' } };

describe('route matches', () => {
  it('translates uri, scheme, method, authority, headers and query parameters', () => {
    const [r] = routesFor([{ match: [{
      uri: { regex: '/api/v[0-9]+/.*' },
      scheme: { exact: 'https' },
      method: { prefix: 'GE' },
      authority: { regex: 'reviews.*' },
      headers: { 'x-b': { prefix: 'pre' }, 'x-a': { exact: 'v' }, 'x-present': {}, 'x-any': { regex: '*' } },
      queryParams: { debug: { exact: '1' }, flag: {} },
      ignoreUriCase: true,
    }], route: [dest] }]);
    assert.deepEqual(r!.match, {
      safe_regex: { regex: '/api/v[0-9]+/.*' },
      case_sensitive: false,
      headers: [
        { name: 'x-a', string_match: { exact: 'v' } },
        { name: 'x-any', present_match: true },
        { name: 'x-b', string_match: { prefix: 'pre' } },
        { name: 'x-present', present_match: true },
        { name: ':method', string_match: { prefix: 'GE' } },
        { name: ':authority', string_match: { safe_regex: { regex: 'reviews.*' } } },
        { name: ':scheme', string_match: { exact: 'https' } },
      ],
      query_parameters: [{ name: 'debug', string_match: { exact: '1' } }, { name: 'flag', present_match: true }],
    });
  });
  it('inverts withoutHeaders, treating a missing header as empty unless it is a presence check', () => {
    const [r] = routesFor([{ match: [{ withoutHeaders: { 'x-user': { exact: 'bot' }, 'x-debug': {} } }], route: [dest] }]);
    assert.deepEqual((r!.match as Json).headers, [
      { name: 'x-debug', present_match: true, invert_match: true },
      { name: 'x-user', string_match: { exact: 'bot' }, invert_match: true, treat_missing_header_as_empty: true },
    ]);
  });
  it('drops matches for another port and stops after a catch-all', () => {
    const routes = routesFor([
      { match: [{ port: 9999, uri: { prefix: '/other' } }, { uri: { exact: '/a' } }], route: [dest] },
      { match: [{ uri: { prefix: '/' } }, { uri: { prefix: '/never' } }], route: [dest] },
      { route: [dest] },
    ]);
    assert.deepEqual(routes.map((r) => r.match), [{ path: '/a', case_sensitive: true }, { prefix: '/', case_sensitive: true }]);
  });
  it('names routes by rule and match name', () => {
    const [r] = routesFor([{ name: 'rule', match: [{ name: 'm', uri: { prefix: '/x' } }], route: [dest] }]);
    assert.equal(r!.name, 'rule.m');
  });
  it('matches JWT claims through dynamic metadata', () => {
    const [r] = routesFor([{ match: [{ headers: { '@request.auth.claims.groups': { exact: 'admin' } } }], route: [dest] }]);
    assert.deepEqual((r!.match as Json).dynamic_metadata, [{ filter: 'istio_authn', path: [{ key: 'request.auth.claims' }, { key: 'groups' }], value: { list_match: { one_of: { string_match: { exact: 'admin' } } } } }]);
  });
});

describe('route actions', () => {
  it('redirects, deriving the port and dropping the default one', () => {
    const [r, s] = routesFor([
      { match: [{ uri: { exact: '/old' } }], redirect: { uri: '/new', authority: 'new.example.com', redirectCode: 302, derivePort: 'FROM_REQUEST_PORT' } },
      { redirect: { prefixRewrite: '/v2', scheme: 'http', port: 80 } },
    ]);
    assert.deepEqual(r!.redirect, { host_redirect: 'new.example.com', path_redirect: '/new', port_redirect: 9080, response_code: 'FOUND' });
    assert.deepEqual(s!.redirect, { prefix_rewrite: '/v2', scheme_redirect: 'http' });
  });
  it('answers directly with a body', () => {
    const [r] = routesFor([{ directResponse: { status: 418, body: { string: 'teapot' } } }]);
    assert.deepEqual(r!.direct_response, { status: 418, body: { inline_string: 'teapot' } });
  });
  it('rewrites the path and authority', () => {
    const [a, b] = routesFor([
      { match: [{ uri: { prefix: '/api' } }], rewrite: { uri: '/v1', authority: 'backend' }, route: [dest] },
      { rewrite: { uriRegexRewrite: { match: '^/x/(.*)', rewrite: '/\\1' } }, route: [dest] },
    ]);
    assert.equal((a!.route as Json).prefix_rewrite, '/v1');
    assert.equal((a!.route as Json).host_rewrite_literal, 'backend');
    assert.deepEqual((b!.route as Json).regex_rewrite, { pattern: { regex: '^/x/(.*)' }, substitution: '/\\1' });
  });
  it('translates custom retries, and attempts: 0 turns them off', () => {
    const [a, b] = routesFor([
      { match: [{ uri: { prefix: '/a' } }], retries: { attempts: 3, perTryTimeout: '2s', retryOn: 'gateway-error,connect-failure,503,504' }, timeout: '10s', route: [dest] },
      { retries: { attempts: 0 }, route: [dest] },
    ]);
    const action = a!.route as Json;
    assert.equal(action.timeout, '10s');
    assert.equal(action.max_grpc_timeout, '10s');
    assert.deepEqual(action.retry_policy, {
      retry_on: 'gateway-error,connect-failure,retriable-status-codes', num_retries: 3,
      retry_host_predicate: [{ name: 'envoy.retry_host_predicates.previous_hosts', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate' } }],
      host_selection_retry_max_attempts: '5', retriable_status_codes: [503, 504], per_try_timeout: '2s',
    });
    assert.equal((b!.route as Json).retry_policy, undefined);
  });
  it('mirrors with a percentage, to the mirror service port', () => {
    const [a, b] = routesFor([
      { match: [{ uri: { prefix: '/a' } }], mirror: { host: 'shadow' }, mirrorPercentage: { value: 12.5 }, route: [dest] },
      { mirrors: [{ destination: { host: 'shadow' } }, { destination: { host: 'shadow' }, percentage: { value: 0 } }], route: [dest] },
    ]);
    assert.deepEqual((a!.route as Json).request_mirror_policies, [{ cluster: 'outbound|8000||shadow.default.svc.cluster.local', runtime_fraction: { default_value: { numerator: 125000, denominator: 'MILLION' } }, trace_sampled: false }]);
    assert.deepEqual((b!.route as Json).request_mirror_policies, [{ cluster: 'outbound|8000||shadow.default.svc.cluster.local', runtime_fraction: { default_value: { numerator: 100, denominator: 'HUNDRED' } }, trace_sampled: false }]);
  });
  it('configures CORS on the route', () => {
    const [r] = routesFor([{ corsPolicy: { allowOrigins: [{ exact: 'https://a.com' }, { regex: 'https://.*\\.b\\.com' }], allowMethods: ['GET', 'POST'], allowHeaders: ['x-a'], exposeHeaders: ['x-b'], maxAge: '24h', allowCredentials: true }, route: [dest] }]);
    assert.deepEqual((r!.typed_per_filter_config as Json)['envoy.filters.http.cors'], {
      '@type': 'type.googleapis.com/envoy.extensions.filters.http.cors.v3.CorsPolicy',
      allow_origin_string_match: [{ exact: 'https://a.com' }, { safe_regex: { regex: 'https://.*\\.b\\.com' } }],
      allow_methods: 'GET,POST', allow_headers: 'x-a', expose_headers: 'x-b', max_age: '86400', allow_credentials: true,
      filter_enabled: { default_value: { numerator: 100, denominator: 'HUNDRED' } }, forward_not_matching_preflights: true,
    });
  });
  it('sets, adds and removes headers on the route and per destination', () => {
    const [single, weighted] = routesFor([
      { match: [{ uri: { prefix: '/a' } }], headers: { request: { set: { 'x-b': '1', 'x-a': '2' }, add: { 'x-c': '3' }, remove: ['x-d'] }, response: { remove: ['server'] } }, route: [{ destination: { host: 'reviews' }, headers: { request: { set: { ':authority': 'other' } } } }] },
      { route: [{ destination: { host: 'reviews' }, weight: 60, headers: { response: { add: { 'x-v': 'one' } } } }, { destination: { host: 'reviews' }, weight: 40 }] },
    ]);
    assert.deepEqual(single!.request_headers_to_add, [
      { header: { key: 'x-a', value: '2' }, append_action: 'OVERWRITE_IF_EXISTS_OR_ADD' },
      { header: { key: 'x-b', value: '1' }, append_action: 'OVERWRITE_IF_EXISTS_OR_ADD' },
      { header: { key: 'x-c', value: '3' }, append_action: 'APPEND_IF_EXISTS_OR_ADD' },
    ]);
    assert.deepEqual(single!.request_headers_to_remove, ['x-d']);
    assert.deepEqual(single!.response_headers_to_remove, ['server']);
    assert.equal((single!.route as Json).host_rewrite_literal, 'other');
    const clusters = ((weighted!.route as Json).weighted_clusters as Json).clusters as Json[];
    assert.deepEqual(clusters[0], { name: 'outbound|9080||reviews.default.svc.cluster.local', weight: 60, response_headers_to_add: [{ header: { key: 'x-v', value: 'one' }, append_action: 'APPEND_IF_EXISTS_OR_ADD' }] });
  });
  it('reports fields Skiff cannot translate instead of failing the route table', () => {
    const problems: TranslationProblem[] = [];
    const [r] = routesFor([{ retries: { attempts: 2, retryRemoteLocalities: true }, fault: { abort: { grpcStatus: 'BOGUS' } }, route: [dest] }], problems);
    assert.ok(r);
    assert.deepEqual(problems.map((p) => p.resource), ['VirtualService default/reviews http[0]', 'VirtualService default/reviews http[0]']);
    assert.match(problems.map((p) => p.message).join('\n'), /grpcStatus "BOGUS"/);
    assert.match(problems.map((p) => p.message).join('\n'), /retryRemoteLocalities is not supported/);
  });
});
