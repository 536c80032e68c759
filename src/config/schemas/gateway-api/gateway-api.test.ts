// Gateway API schemas: Istio's Gateway API samples (Bookinfo, httpbin, a TLS gateway, a gRPC
// route) validate; bad documents are rejected with the exact field path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertSamplesValidate, badDocumentTable, type BadDocument } from '../schema-test-kit.js';

const SAMPLES = `
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: bookinfo-gateway
spec:
  gatewayClassName: istio
  listeners:
  - name: http
    port: 80
    protocol: HTTP
    allowedRoutes:
      namespaces:
        from: Same
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: bookinfo
spec:
  parentRefs:
  - name: bookinfo-gateway
  rules:
  - matches:
    - path:
        type: Exact
        value: /productpage
    - path:
        type: PathPrefix
        value: /static
    - path:
        type: Exact
        value: /login
    - path:
        type: Exact
        value: /logout
    - path:
        type: PathPrefix
        value: /api/v1/products
    backendRefs:
    - name: productpage
      port: 9080
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: reviews
spec:
  parentRefs:
  - group: ""
    kind: Service
    name: reviews
    port: 9080
  rules:
  - backendRefs:
    - name: reviews-v1
      port: 9080
      weight: 90
    - name: reviews-v2
      port: 9080
      weight: 10
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: tls-gateway
  namespace: istio-ingress
spec:
  gatewayClassName: istio
  addresses:
  - value: 192.0.2.10
  - type: Hostname
    value: gateway.example.com
  listeners:
  - name: https
    hostname: "*.example.com"
    port: 443
    protocol: HTTPS
    tls:
      mode: Terminate
      certificateRefs:
      - name: wildcard-cert
    allowedRoutes:
      namespaces:
        from: Selector
        selector:
          matchLabels:
            shared-gateway-access: "true"
  - name: passthrough
    port: 8443
    protocol: TLS
    hostname: db.example.com
    tls:
      mode: Passthrough
  - name: tcp
    port: 9000
    protocol: TCP
    allowedRoutes:
      kinds:
      - kind: TCPRoute
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: httpbin
  namespace: foo
spec:
  parentRefs:
  - name: tls-gateway
    namespace: istio-ingress
    sectionName: https
  hostnames: ["httpbin.example.com"]
  rules:
  - name: headers
    matches:
    - path:
        type: PathPrefix
        value: /get
      headers:
      - name: X-Version
        value: v2
      queryParams:
      - type: RegularExpression
        name: debug
        value: "^(on|true)$"
      method: GET
    filters:
    - type: RequestHeaderModifier
      requestHeaderModifier:
        add:
        - name: my-added-header
          value: added-value
        remove: ["x-legacy"]
    - type: URLRewrite
      urlRewrite:
        hostname: httpbin.internal
        path:
          type: ReplacePrefixMatch
          replacePrefixMatch: /
    backendRefs:
    - name: httpbin
      port: 8000
      weight: 1
    timeouts:
      request: 10s
      backendRequest: 2s
  - matches:
    - path:
        type: Exact
        value: /old
    filters:
    - type: RequestRedirect
      requestRedirect:
        scheme: https
        statusCode: 301
  - backendRefs:
    - name: httpbin
      port: 8000
    filters:
    - type: RequestMirror
      requestMirror:
        backendRef:
          name: httpbin-shadow
          port: 8000
        percent: 50
---
apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata:
  name: greeter
spec:
  parentRefs:
  - name: tls-gateway
  hostnames: ["grpc.example.com"]
  rules:
  - matches:
    - method:
        service: helloworld.Greeter
        method: SayHello
      headers:
      - name: env
        value: canary
    filters:
    - type: ResponseHeaderModifier
      responseHeaderModifier:
        set:
        - name: x-served-by
          value: canary
    backendRefs:
    - name: greeter-canary
      port: 50051
  - matches:
    - method:
        type: RegularExpression
        service: "helloworld\\\\..*"
    backendRefs:
    - name: greeter
      port: 50051
`;

test('Gateway API samples validate', () => {
  assertSamplesValidate(SAMPLES, 'gateway-api.yaml', 6);
});

const doc = (kind: string, spec: unknown) => ({ apiVersion: 'gateway.networking.k8s.io/v1', kind, metadata: { name: 'x', namespace: 'default' }, spec });
const gw = (listeners: unknown[], extra: Record<string, unknown> = {}) => doc('Gateway', { gatewayClassName: 'istio', listeners, ...extra });
const http = { name: 'http', port: 80, protocol: 'HTTP' };
const route = (rule: unknown, extra: Record<string, unknown> = {}) => doc('HTTPRoute', { parentRefs: [{ name: 'gw' }], rules: [rule], ...extra });
const grpc = (rule: unknown) => doc('GRPCRoute', { rules: [rule] });
const backend = { name: 'reviews', port: 9080 };
const cert = { certificateRefs: [{ name: 'cert' }] };

const BAD: BadDocument[] = [
  { name: 'gateway without gatewayClassName', doc: doc('Gateway', { listeners: [http] }), path: 'spec.gatewayClassName', message: /gatewayClassName is required/ },
  { name: 'gateway without listeners', doc: doc('Gateway', { gatewayClassName: 'istio', listeners: [] }), path: 'spec.listeners', message: /at least one listener/ },
  { name: 'listener bad protocol', doc: gw([{ ...http, protocol: 'HTTP2' }]), path: 'spec.listeners[0].protocol', message: /expected one of HTTP, HTTPS, TLS, TCP, UDP/ },
  { name: 'listener port out of range', doc: gw([{ ...http, port: 0 }]), path: 'spec.listeners[0].port', message: /between 1 and 65535/ },
  { name: 'listener name not a DNS name', doc: gw([{ ...http, name: 'HTTP_80' }]), path: 'spec.listeners[0].name', message: /lowercase/ },
  { name: 'listener hostname with uppercase', doc: gw([{ ...http, hostname: 'Example.com' }]), path: 'spec.listeners[0].hostname', message: /lowercase DNS name/ },
  { name: 'HTTP listener with tls', doc: gw([{ ...http, tls: cert }]), path: 'spec.listeners[0].tls', message: /must not be specified for protocol HTTP/ },
  { name: 'HTTPS listener without tls', doc: gw([{ name: 'https', port: 443, protocol: 'HTTPS' }]), path: 'spec.listeners[0].tls', message: /required for protocol HTTPS/ },
  { name: 'HTTPS listener passthrough', doc: gw([{ name: 'https', port: 443, protocol: 'HTTPS', tls: { mode: 'Passthrough' } }]), path: 'spec.listeners[0].tls.mode', message: /must be Terminate/ },
  { name: 'terminate without certificates', doc: gw([{ name: 'tls', port: 443, protocol: 'TLS', tls: { mode: 'Terminate' } }]), path: 'spec.listeners[0].tls.certificateRefs', message: /certificateRefs or options/ },
  { name: 'TCP listener with hostname', doc: gw([{ name: 'tcp', port: 9000, protocol: 'TCP', hostname: 'a.example.com' }]), path: 'spec.listeners[0].hostname', message: /must not be specified for protocol TCP/ },
  { name: 'duplicate listener names', doc: gw([http, { ...http, port: 8080 }]), path: 'spec.listeners[1].name', message: /must be unique/ },
  { name: 'duplicate port/protocol/hostname', doc: gw([http, { ...http, name: 'http2' }]), path: 'spec.listeners[1]', message: /another listener already has port 80/ },
  { name: 'bad IP address', doc: gw([http], { addresses: [{ type: 'IPAddress', value: '10.0.0.300' }] }), path: 'spec.addresses[0].value', message: /not an IP address/ },
  { name: 'Selector without selector', doc: gw([{ ...http, allowedRoutes: { namespaces: { from: 'Selector' } } }]), path: 'spec.listeners[0].allowedRoutes.namespaces.selector', message: /selector is required/ },
  { name: 'route weight too large', doc: route({ backendRefs: [{ ...backend, weight: 2000000 }] }), path: 'spec.rules[0].backendRefs[0].weight', message: /between 0 and 1000000/ },
  { name: 'Service backend without port', doc: route({ backendRefs: [{ name: 'reviews' }] }), path: 'spec.rules[0].backendRefs[0].port', message: /port is required for a Service/ },
  { name: 'bad path match type', doc: route({ matches: [{ path: { type: 'Prefix', value: '/' } }] }), path: 'spec.rules[0].matches[0].path.type', message: /expected one of Exact, PathPrefix, RegularExpression/ },
  { name: 'relative path', doc: route({ matches: [{ path: { type: 'PathPrefix', value: 'api' } }] }), path: 'spec.rules[0].matches[0].path.value', message: /start with "\/"/ },
  { name: 'path with //', doc: route({ matches: [{ path: { type: 'Exact', value: '/a//b' } }] }), path: 'spec.rules[0].matches[0].path.value', message: /must not contain "\/\/"/ },
  { name: 'bad path regex', doc: route({ matches: [{ path: { type: 'RegularExpression', value: '/(?=x)' } }] }), path: 'spec.rules[0].matches[0].path.value', message: /RE2/ },
  { name: 'duplicate header match', doc: route({ matches: [{ headers: [{ name: 'x-a', value: '1' }, { name: 'X-A', value: '2' }] }] }), path: 'spec.rules[0].matches[0].headers[1].name', message: /duplicate name/ },
  { name: 'bad method', doc: route({ matches: [{ method: 'get' }] }), path: 'spec.rules[0].matches[0].method', message: /unknown value "get"/ },
  { name: 'unknown filter type', doc: route({ filters: [{ type: 'RequestRewrite' }] }), path: 'spec.rules[0].filters[0].type', message: /URLRewrite/ },
  { name: 'filter without its field', doc: route({ filters: [{ type: 'RequestHeaderModifier' }], backendRefs: [backend] }), path: 'spec.rules[0].filters[0].requestHeaderModifier', message: /must be specified/ },
  { name: 'filter with another type\'s field', doc: route({ filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: {}, urlRewrite: {} }] }), path: 'spec.rules[0].filters[0].urlRewrite', message: /must not be set/ },
  { name: 'redirect with backendRefs', doc: route({ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https' } }], backendRefs: [backend] }), path: 'spec.rules[0].filters[0]', message: /must not be used together with backendRefs/ },
  { name: 'redirect bad status code', doc: route({ filters: [{ type: 'RequestRedirect', requestRedirect: { statusCode: 300 } }] }), path: 'spec.rules[0].filters[0].requestRedirect.statusCode', message: /301, 302, 303, 307, 308/ },
  { name: 'replacePrefixMatch with an Exact match', doc: route({ matches: [{ path: { type: 'Exact', value: '/a' } }], filters: [{ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/' } } }] }), path: 'spec.rules[0].matches', message: /exactly one match, of type PathPrefix/ },
  { name: 'ReplaceFullPath without value', doc: route({ filters: [{ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplaceFullPath' } } }] }), path: 'spec.rules[0].filters[0].urlRewrite.path.replaceFullPath', message: /must be specified when type is ReplaceFullPath/ },
  { name: 'repeated header modifier', doc: route({ filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: {} }, { type: 'RequestHeaderModifier', requestHeaderModifier: {} }] }), path: 'spec.rules[0].filters[1].type', message: /cannot be repeated/ },
  { name: 'mirror with percent and fraction', doc: route({ filters: [{ type: 'RequestMirror', requestMirror: { backendRef: backend, percent: 10, fraction: { numerator: 1 } } }] }), path: 'spec.rules[0].filters[0].requestMirror.fraction', message: /only one of percent or fraction/ },
  { name: 'backendRequest longer than request', doc: route({ timeouts: { request: '1s', backendRequest: '2s' }, backendRefs: [backend] }), path: 'spec.rules[0].timeouts.backendRequest', message: /cannot be longer/ },
  { name: 'timeout with fractions', doc: route({ timeouts: { request: '1.5s' }, backendRefs: [backend] }), path: 'spec.rules[0].timeouts.request', message: /duration/ },
  { name: 'wildcard in the middle of a hostname', doc: route({ backendRefs: [backend] }, { hostnames: ['foo.*.example.com'] }), path: 'spec.hostnames[0]', message: /hostname/ },
  { name: 'two refs to one parent without sectionName', doc: doc('HTTPRoute', { parentRefs: [{ name: 'gw' }, { name: 'gw', sectionName: 'https' }] }), path: 'spec.parentRefs[0]', message: /sectionName must be specified/ },
  { name: 'experimental retry field', doc: route({ retry: { attempts: 2 }, backendRefs: [backend] }), path: 'spec.rules[0].retry', message: /unknown field "retry"/ },
  { name: 'grpc method match without service or method', doc: grpc({ matches: [{ method: { type: 'Exact' } }] }), path: 'spec.rules[0].matches[0].method', message: /service or method/ },
  { name: 'grpc bad method name', doc: grpc({ matches: [{ method: { service: 'helloworld.Greeter', method: 'Say/Hello' } }] }), path: 'spec.rules[0].matches[0].method.method', message: /gRPC method name/ },
  { name: 'grpc HTTP-only filter', doc: grpc({ filters: [{ type: 'URLRewrite' }] }), path: 'spec.rules[0].filters[0].type', message: /expected one of ResponseHeaderModifier/ },
];

test('the Gateway API bad-document table is large enough to mean something', () => {
  assert.ok(BAD.length >= 30, `only ${BAD.length} cases`);
});

badDocumentTable(BAD);
