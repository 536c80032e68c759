import { test } from 'node:test';
import assert from 'node:assert/strict';
import { virtualServiceBody, type VirtualServiceSpec } from './virtual-service.js';
import { badSpecTable, goodSpecTable, issuesOf, type BadSpec } from '../schema-test-kit.js';

const to = (host: string, subset?: string, weight?: number) => ({
  destination: { host, ...(subset ? { subset } : {}) },
  ...(weight !== undefined ? { weight } : {}),
});

// Shapes of Istio's samples/bookinfo/networking/*.yaml.
const GOOD: Record<string, VirtualServiceSpec> = {
  'virtual-service-all-v1 (reviews)': { hosts: ['reviews'], http: [{ route: [to('reviews', 'v1')] }] },
  'reviews-test-v2': {
    hosts: ['reviews'],
    http: [
      { match: [{ headers: { 'end-user': { exact: 'jason' } } }], route: [to('reviews', 'v2')] },
      { route: [to('reviews', 'v1')] },
    ],
  },
  'reviews-80-20': { hosts: ['reviews'], http: [{ route: [to('reviews', 'v1', 80), to('reviews', 'v3', 20)] }] },
  'ratings-test-delay': {
    hosts: ['ratings'],
    http: [
      { match: [{ headers: { 'end-user': { exact: 'jason' } } }], fault: { delay: { percentage: { value: 100.0 }, fixedDelay: '7s' } }, route: [to('ratings', 'v1')] },
      { route: [to('ratings', 'v1')] },
    ],
  },
  'ratings-test-abort': {
    hosts: ['ratings'],
    http: [
      { match: [{ headers: { 'end-user': { exact: 'jason' } } }], fault: { abort: { percentage: { value: 100.0 }, httpStatus: 500 } }, route: [to('ratings', 'v1')] },
      { route: [to('ratings', 'v1')] },
    ],
  },
  'reviews-timeout': { hosts: ['reviews'], http: [{ route: [to('reviews', 'v2')], timeout: '0.5s' }] },
  'bookinfo gateway routes': {
    hosts: ['*'],
    gateways: ['bookinfo-gateway'],
    http: [{
      match: [{ uri: { exact: '/productpage' } }, { uri: { prefix: '/static' } }, { uri: { exact: '/login' } }, { uri: { exact: '/logout' } }, { uri: { prefix: '/api/v1/products' } }],
      route: [{ destination: { host: 'productpage', port: { number: 9080 } } }],
    }],
  },
  'everything an HTTP route can carry': {
    hosts: ['reviews.default.svc.cluster.local', '*.example.com', '10.0.0.1'],
    gateways: ['mesh', 'istio-system/ingress'],
    exportTo: ['.', 'bookinfo'],
    http: [
      {
        name: 'v2-for-testers',
        match: [{
          name: 'testers', uri: { regex: '(?i)^/reviews/\\d+$' }, method: { exact: 'GET' }, scheme: { exact: 'https' },
          authority: { prefix: 'reviews' }, queryParams: { debug: { exact: '1' } }, ignoreUriCase: true,
          withoutHeaders: { 'x-skip': { regex: '*' } }, sourceLabels: { app: 'productpage' }, sourceNamespace: 'default', port: 9080,
        }],
        route: [{ destination: { host: 'reviews', subset: 'v2' }, weight: 100, headers: { response: { remove: ['x-internal'] } } }],
        rewrite: { uri: '/v2/reviews', authority: 'reviews-v2' },
        timeout: '10s',
        retries: { attempts: 3, perTryTimeout: '2s', retryOn: 'gateway-error,connect-failure,refused-stream,503', retryRemoteLocalities: true, backoff: '25ms' },
        mirror: { host: 'reviews', subset: 'v3' },
        mirrorPercentage: { value: 12.5 },
        corsPolicy: {
          allowOrigins: [{ exact: 'https://example.com' }, { regex: 'https://.*\\.example\\.org' }],
          allowMethods: ['GET', 'POST'], allowHeaders: ['x-custom', '*'], exposeHeaders: ['x-trace'], maxAge: '24h',
          allowCredentials: true, unmatchedPreflights: 'IGNORE',
        },
        headers: { request: { set: { 'x-version': 'v2', 'x-host': '%HOSTNAME%' }, add: { 'x-percent': '100%%' } } },
      },
      { match: [{ uri: { prefix: '/old' } }], redirect: { uri: '/new', authority: 'new.example.com', redirectCode: 301, scheme: 'https', derivePort: 'FROM_REQUEST_PORT' } },
      { match: [{ uri: { prefix: '/legacy' } }], redirect: { prefixRewrite: '/modern' } },
      { match: [{ uri: { exact: '/health' } }], directResponse: { status: 200, body: { string: 'ok' } } },
      { match: [{ uri: { prefix: '/rewrite' } }], rewrite: { uriRegexRewrite: { match: '^/rewrite/(.*)$', rewrite: '/\\1' } }, route: [to('reviews')] },
      { mirrors: [{ destination: { host: 'shadow' }, percentage: { value: 5 } }], route: [to('reviews', 'v1', 90), to('reviews', 'v3', 10)] },
    ],
  },
  'tcp route': { hosts: ['mongo.prod.svc.cluster.local'], tcp: [{ match: [{ port: 27017, destinationSubnets: ['10.0.0.0/8'] }], route: [{ destination: { host: 'mongo.backup.svc.cluster.local', port: { number: 5555 } } }] }] },
  'tls passthrough route on a gateway': {
    hosts: ['*.bookinfo.com'],
    gateways: ['mygateway'],
    tls: [{ match: [{ port: 443, sniHosts: ['login.bookinfo.com'] }], route: [{ destination: { host: 'login.prod.svc.cluster.local' } }] }],
  },
  'root of a delegation': { hosts: ['bookinfo.com'], gateways: ['bookinfo-gateway'], http: [{ match: [{ uri: { prefix: '/productpage' } }], delegate: { name: 'productpage', namespace: 'nsA' } }] },
  'delegate (no hosts)': { http: [{ match: [{ uri: { exact: '/productpage/v1/' } }], route: [to('productpage-v1.nsA.svc.cluster.local')] }] },
  'JWT claim routing on a gateway': { hosts: ['bookinfo.com'], gateways: ['bookinfo-gateway'], http: [{ match: [{ headers: { '@request.auth.claims.groups': { exact: 'group1' } } }], route: [to('reviews')] }] },
};

goodSpecTable('VirtualService', virtualServiceBody, GOOD);

const route = [to('reviews')];
const vs = (http: unknown[], extra: Record<string, unknown> = {}) => ({ hosts: ['reviews'], http, ...extra });
const withRoute = (fields: Record<string, unknown>) => vs([{ route, ...fields }]);

const BAD: BadSpec[] = [
  { name: 'unknown field (typo)', spec: vs([{ route: [{ destination: { host: 'reviews' }, weigth: 50 }] }]), path: 'spec.http[0].route[0]', message: 'unknown field "weigth"' },
  { name: 'unknown spec field', spec: { hostz: ['reviews'], http: [{ route }] }, path: 'spec', message: 'unknown field "hostz"' },
  { name: 'snake_case field name', spec: vs([{ route, mirror_percentage: { value: 1 } }]), path: 'spec.http[0]', message: 'unknown field "mirror_percentage"' },
  { name: 'weight over 100', spec: vs([{ route: [to('reviews', 'v1', 120)] }]), path: 'spec.http[0].route[0].weight', message: 'between 0 and 100' },
  { name: 'negative weight', spec: vs([{ route: [to('reviews', 'v1', -1), to('reviews', 'v2', 101)] }]), path: 'spec.http[0].route[0].weight', message: 'between 0 and 100' },
  { name: 'fractional weight', spec: vs([{ route: [to('reviews', 'v1', 50.5), to('reviews', 'v2', 49.5)] }]), path: 'spec.http[0].route[1].weight', message: 'whole-number weight' },
  { name: 'weight not a number', spec: vs([{ route: [{ destination: { host: 'reviews' }, weight: 'lots' }] }]), path: 'spec.http[0].route[0].weight', message: 'expected a whole-number weight' },
  { name: 'all weights zero', spec: vs([{ route: [to('reviews', 'v1', 0), to('reviews', 'v2', 0)] }]), path: 'spec.http[0].route', message: 'add up to more than 0' },
  { name: 'route without action', spec: vs([{ name: 'empty' }]), path: 'spec.http[0]', message: 'a route must have "route", "redirect" or "directResponse"' },
  { name: 'route and redirect', spec: vs([{ route, redirect: { uri: '/v1' } }]), path: 'spec.http[0]', message: 'only one of "route" or "redirect"' },
  { name: 'route and directResponse', spec: vs([{ route, directResponse: { status: 503 } }]), path: 'spec.http[0]', message: 'only one of "route" or "directResponse"' },
  { name: 'redirect and directResponse', spec: vs([{ redirect: { uri: '/a' }, directResponse: { status: 200 } }]), path: 'spec.http[0]', message: 'only one of "redirect" or "directResponse"' },
  { name: 'redirect with fault', spec: vs([{ redirect: { uri: '/a' }, fault: { abort: { httpStatus: 500 } } }]), path: 'spec.http[0].fault', message: 'cannot inject a fault' },
  { name: 'redirect with rewrite', spec: vs([{ redirect: { uri: '/a' }, rewrite: { uri: '/b' } }]), path: 'spec.http[0].rewrite', message: 'cannot also "rewrite"' },
  { name: 'empty redirect', spec: vs([{ redirect: {} }]), path: 'spec.http[0].redirect', message: 'a redirect must set' },
  { name: 'redirect code not 3xx', spec: vs([{ redirect: { uri: '/v2', redirectCode: 200 } }]), path: 'spec.http[0].redirect.redirectCode', message: 'expected a 3xx redirect code' },
  { name: 'redirect scheme', spec: vs([{ redirect: { scheme: 'ftp' } }]), path: 'spec.http[0].redirect.scheme', message: 'expected "http" or "https"' },
  { name: 'redirect uri and prefixRewrite', spec: vs([{ redirect: { uri: '/a', prefixRewrite: '/b' } }]), path: 'spec.http[0].redirect.prefixRewrite', message: 'only one of "uri" or "prefixRewrite"' },
  { name: 'prefixRewrite with exact uri match', spec: vs([{ match: [{ uri: { exact: '/a' } }], redirect: { prefixRewrite: '/b' } }]), path: 'spec.http[0].redirect.prefixRewrite', message: 'prefix match' },
  { name: 'direct response status', spec: vs([{ directResponse: { status: 700 } }]), path: 'spec.http[0].directResponse.status', message: 'between 200 and 599' },
  { name: 'direct response without status', spec: vs([{ directResponse: { body: { string: 'x' } } }]), path: 'spec.http[0].directResponse.status', message: 'expected' },
  { name: 'destination without host', spec: vs([{ route: [{ destination: { subset: 'v1' } }] }]), path: 'spec.http[0].route[0].destination.host', message: 'received undefined' },
  { name: 'destination host "*"', spec: vs([{ route: [to('*')] }]), path: 'spec.http[0].route[0].destination.host', message: 'cannot be "*"' },
  { name: 'subset not a DNS label', spec: vs([{ route: [to('reviews', 'V_1')] }]), path: 'spec.http[0].route[0].destination.subset', message: 'invalid subset name "V_1"' },
  { name: 'destination port out of range', spec: vs([{ route: [{ destination: { host: 'reviews', port: { number: 70000 } } }] }]), path: 'spec.http[0].route[0].destination.port.number', message: 'between 1 and 65535' },
  { name: 'bad timeout', spec: withRoute({ timeout: '10 seconds' }), path: 'spec.http[0].timeout', message: 'expected a duration' },
  { name: 'timeout below 1ms', spec: withRoute({ timeout: '100us' }), path: 'spec.http[0].timeout', message: 'at least 1ms' },
  { name: 'perTryTimeout not a string', spec: withRoute({ retries: { attempts: 3, perTryTimeout: 2 } }), path: 'spec.http[0].retries.perTryTimeout', message: 'expected a duration' },
  { name: 'negative retry attempts', spec: withRoute({ retries: { attempts: -2 } }), path: 'spec.http[0].retries.attempts', message: '0 or more' },
  { name: 'retry policy with 0 attempts', spec: withRoute({ retries: { attempts: 0, retryOn: '5xx' } }), path: 'spec.http[0].retries.attempts', message: 'retries are disabled' },
  { name: 'unknown retryOn', spec: withRoute({ retries: { attempts: 2, retryOn: '5xx,sometimes' } }), path: 'spec.http[0].retries.retryOn', message: '"sometimes" is not a valid retryOn policy' },
  { name: 'retryOn unknown status code', spec: withRoute({ retries: { attempts: 2, retryOn: '599' } }), path: 'spec.http[0].retries.retryOn', message: '"599" is not a valid retryOn policy' },
  { name: 'lookahead regex', spec: vs([{ match: [{ uri: { regex: '(?=lookahead)' } }], route }]), path: 'spec.http[0].match[0].uri.regex', message: 'RE2' },
  { name: 'unbalanced regex', spec: vs([{ match: [{ uri: { regex: '/api/(v1' } }], route }]), path: 'spec.http[0].match[0].uri.regex', message: 'invalid regular expression' },
  { name: 'backreference in header regex', spec: vs([{ match: [{ headers: { 'x-a': { regex: '(a)\\1' } } }], route }]), path: 'spec.http[0].match[0].headers.x-a.regex', message: 'backreferences' },
  { name: 'empty regex', spec: vs([{ match: [{ uri: { regex: '' } }], route }]), path: 'spec.http[0].match[0].uri.regex', message: 'must not be empty' },
  { name: 'string match with two forms', spec: vs([{ match: [{ uri: { exact: '/a', prefix: '/b' } }], route }]), path: 'spec.http[0].match[0].uri', message: 'only one of "exact", "prefix" or "regex"' },
  { name: 'empty prefix on a header', spec: vs([{ match: [{ headers: { 'x-a': { prefix: '' } } }], route }]), path: 'spec.http[0].match[0].headers.x-a.prefix', message: 'prefix must not be empty' },
  { name: 'uppercase header name', spec: vs([{ match: [{ headers: { 'End-User': { exact: 'jason' } } }], route }]), path: 'spec.http[0].match[0].headers.End-User', message: 'must be lowercase' },
  { name: 'header name with a space', spec: vs([{ match: [{ withoutHeaders: { 'end user': { exact: 'x' } } }], route }]), path: 'spec.http[0].match[0].withoutHeaders.end user', message: 'not a valid header name' },
  { name: 'match port out of range', spec: vs([{ match: [{ port: 0 }], route }]), path: 'spec.http[0].match[0].port', message: 'between 1 and 65535' },
  { name: 'bad sourceNamespace', spec: vs([{ match: [{ sourceNamespace: 'Not_A_NS' }], route }]), path: 'spec.http[0].match[0].sourceNamespace', message: 'invalid sourceNamespace' },
  { name: 'bad match gateway', spec: vs([{ match: [{ gateways: ['ns/Bad_Gw'] }], route }]), path: 'spec.http[0].match[0].gateways[0]', message: 'invalid gateway name' },
  { name: 'fault percentage over 100', spec: withRoute({ fault: { delay: { fixedDelay: '7s', percentage: { value: 150 } } } }), path: 'spec.http[0].fault.delay.percentage.value', message: 'between 0 and 100' },
  { name: 'delay without fixedDelay', spec: withRoute({ fault: { delay: { percentage: { value: 10 } } } }), path: 'spec.http[0].fault.delay', message: 'needs "fixedDelay"' },
  { name: 'exponential delay', spec: withRoute({ fault: { delay: { exponentialDelay: '1s' } } }), path: 'spec.http[0].fault.delay.exponentialDelay', message: 'not supported' },
  { name: 'abort status out of range', spec: withRoute({ fault: { abort: { httpStatus: 700 } } }), path: 'spec.http[0].fault.abort.httpStatus', message: 'between 200 and 599' },
  { name: 'abort without status', spec: withRoute({ fault: { abort: { percentage: { value: 10 } } } }), path: 'spec.http[0].fault.abort', message: 'needs "httpStatus"' },
  { name: 'abort unknown gRPC status', spec: withRoute({ fault: { abort: { grpcStatus: 'BROKEN' } } }), path: 'spec.http[0].fault.abort.grpcStatus', message: 'unknown gRPC status "BROKEN"' },
  { name: 'empty fault', spec: withRoute({ fault: {} }), path: 'spec.http[0].fault', message: 'a fault needs' },
  { name: 'mirrorPercentage over 100', spec: withRoute({ mirror: { host: 'reviews' }, mirrorPercentage: { value: 101 } }), path: 'spec.http[0].mirrorPercentage.value', message: 'between 0 and 100' },
  { name: 'mirror and mirrors', spec: withRoute({ mirror: { host: 'a' }, mirrors: [{ destination: { host: 'b' } }] }), path: 'spec.http[0].mirrors', message: 'only one of "mirror" or "mirrors"' },
  { name: 'cors maxAge not a duration', spec: withRoute({ corsPolicy: { maxAge: 'one day' } }), path: 'spec.http[0].corsPolicy.maxAge', message: 'expected a duration' },
  { name: 'cors maxAge below a second', spec: withRoute({ corsPolicy: { maxAge: '1500ms' } }), path: 'spec.http[0].corsPolicy.maxAge', message: 'whole seconds' },
  { name: 'cors unknown method', spec: withRoute({ corsPolicy: { allowMethods: ['FETCH'] } }), path: 'spec.http[0].corsPolicy.allowMethods[0]', message: '"FETCH" is not a supported HTTP method' },
  { name: 'cors empty origin', spec: withRoute({ corsPolicy: { allowOrigins: [{ exact: '' }] } }), path: 'spec.http[0].corsPolicy.allowOrigins[0]', message: 'non-empty' },
  { name: 'cors unmatchedPreflights enum', spec: withRoute({ corsPolicy: { unmatchedPreflights: 'DROP' } }), path: 'spec.http[0].corsPolicy.unmatchedPreflights', message: 'expected one of UNSPECIFIED, FORWARD, IGNORE' },
  { name: 'set a pseudo-header', spec: withRoute({ headers: { request: { set: { ':path': '/x' } } } }), path: 'spec.http[0].headers.request.set.:path', message: 'cannot set header ":path"' },
  { name: 'remove host header', spec: withRoute({ headers: { request: { remove: ['Host'] } } }), path: 'spec.http[0].headers.request.remove[0]', message: 'cannot remove header "Host"' },
  { name: 'unterminated % in header value', spec: withRoute({ headers: { response: { add: { 'x-a': '50%' } } } }), path: 'spec.http[0].headers.response.add.x-a', message: 'unescaped "%"' },
  { name: 'authority set twice', spec: withRoute({ rewrite: { authority: 'a' }, headers: { request: { set: { host: 'b' } } } }), path: 'spec.http[0].headers', message: 'authority is set more than once' },
  { name: 'empty rewrite', spec: withRoute({ rewrite: {} }), path: 'spec.http[0].rewrite', message: 'a rewrite must set' },
  { name: 'regex rewrite without rewrite', spec: withRoute({ rewrite: { uriRegexRewrite: { match: '^/a' } } }), path: 'spec.http[0].rewrite.uriRegexRewrite.rewrite', message: 'needs both' },
  { name: 'host with port', spec: { hosts: ['reviews:9080'], http: [{ route }] }, path: 'spec.hosts[0]', message: 'must not include a port' },
  { name: 'wildcard in the middle of a host', spec: { hosts: ['foo.*.com'], http: [{ route }] }, path: 'spec.hosts[0]', message: 'wildcard is only allowed as the first label' },
  { name: 'URL as host', spec: { hosts: ['http://reviews'], http: [{ route }] }, path: 'spec.hosts[0]', message: 'not a URL' },
  { name: '"*" host for the mesh', spec: { hosts: ['*'], http: [{ route }] }, path: 'spec.hosts[0]', message: 'host "*" is not allowed' },
  { name: 'duplicate hosts', spec: { hosts: ['a.example.com', '*.example.com'], http: [{ route }] }, path: 'spec.hosts[1]', message: 'duplicate host' },
  { name: 'hosts not a list', spec: { hosts: 'reviews', http: [{ route }] }, path: 'spec.hosts', message: 'expected a list' },
  { name: 'no routes at all', spec: { hosts: ['reviews'] }, path: 'spec', message: 'needs "http", "tcp" or "tls"' },
  { name: 'bad gateway reference', spec: { hosts: ['reviews'], gateways: ['istio-system/'], http: [{ route }] }, path: 'spec.gateways[0]', message: 'must both be set' },
  { name: 'delegate VirtualService with gateways', spec: { gateways: ['gw'], http: [{ route }] }, path: 'spec.gateways', message: 'delegate VirtualService' },
  { name: 'delegate VirtualService with tcp', spec: { http: [{ route }], tcp: [{ route }] }, path: 'spec.tcp', message: 'cannot have tcp routes' },
  { name: 'delegating twice', spec: { http: [{ delegate: { name: 'other' } }] }, path: 'spec.http[0].delegate', message: 'cannot delegate again' },
  { name: 'delegate with route', spec: vs([{ delegate: { name: 'x' }, route }]), path: 'spec.http[0].route', message: 'must not also set "route"' },
  { name: 'JWT claim routing on the mesh', spec: vs([{ match: [{ headers: { '@request.auth.claims.sub': { exact: 'x' } } }], route }]), path: 'spec.http[0].match[0].headers.@request.auth.claims.sub', message: 'only supported for VirtualServices bound to gateways' },
  { name: 'tcp route without destinations', spec: { hosts: ['mongo'], tcp: [{ match: [{ port: 27017 }] }] }, path: 'spec.tcp[0].route', message: 'needs at least one destination' },
  { name: 'tcp match port 0', spec: { hosts: ['mongo'], tcp: [{ match: [{ port: 0 }], route: [to('mongo')] }] }, path: 'spec.tcp[0].match[0].port', message: 'between 1 and 65535' },
  { name: 'tcp bad subnet', spec: { hosts: ['mongo'], tcp: [{ match: [{ destinationSubnets: ['10.0.0.0/33'] }], route: [to('mongo')] }] }, path: 'spec.tcp[0].match[0].destinationSubnets[0]', message: 'not a valid CIDR block' },
  { name: 'tls match without sniHosts', spec: { hosts: ['a.example.com'], tls: [{ match: [{ sniHosts: [] }], route: [to('a')] }] }, path: 'spec.tls[0].match[0].sniHosts', message: 'at least one SNI host' },
  { name: 'sni host outside the hosts', spec: { hosts: ['a.example.com'], tls: [{ match: [{ sniHosts: ['b.example.com'] }], route: [to('a')] }] }, path: 'spec.tls[0].match[0].sniHosts[0]', message: 'not covered' },
  { name: 'exportTo "*" with others', spec: { hosts: ['reviews'], http: [{ route }], exportTo: ['.', '*'] }, path: 'spec.exportTo[1]', message: 'cannot be combined' },
  { name: 'exportTo "~" on a VirtualService', spec: { hosts: ['reviews'], http: [{ route }], exportTo: ['~'] }, path: 'spec.exportTo[0]', message: 'only allowed on ServiceEntry' },
];

badSpecTable('VirtualService', virtualServiceBody, BAD);

test('the bad VirtualService table is large enough to mean something', () => {
  assert.ok(BAD.length >= 40, `only ${BAD.length} cases`);
});

test('a missing spec and a spec that is not a map are reported at spec', () => {
  assert.equal(virtualServiceBody.safeParse({}).success, false);
  const issues = issuesOf(virtualServiceBody, ['reviews']);
  assert.deepEqual(issues.map((i) => i.path), ['spec']);
  assert.match(issues[0]!.message, /expected a map of fields/);
});

test('status is accepted and left alone; unknown top-level fields are not', () => {
  assert.equal(virtualServiceBody.safeParse({ spec: GOOD['reviews-80-20'], status: { anything: 1 } }).success, true);
  const res = virtualServiceBody.safeParse({ spec: GOOD['reviews-80-20'], specs: {} });
  assert.equal(res.success, false);
  if (!res.success) assert.match(res.error.issues[0]!.message, /unknown field "specs"/);
});
