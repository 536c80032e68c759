// security.istio.io schemas: Istio's security task samples validate; each bad document is rejected
// with the exact field path and a message saying what is wrong.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertSamplesValidate, badDocumentTable, type BadDocument } from '../schema-test-kit.js';

const SAMPLES = `
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: default
  namespace: istio-system
spec:
  mtls:
    mode: STRICT
---
apiVersion: security.istio.io/v1beta1
kind: PeerAuthentication
metadata:
  name: httpbin
  namespace: bar
spec:
  selector:
    matchLabels:
      app: httpbin
  mtls:
    mode: STRICT
  portLevelMtls:
    8080:
      mode: DISABLE
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: allow-nothing
  namespace: default
spec:
  {}
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: productpage-viewer
  namespace: default
spec:
  selector:
    matchLabels:
      app: productpage
  action: ALLOW
  rules:
  - from:
    - source:
        principals: ["cluster.local/ns/default/sa/bookinfo-gateway-istio"]
    to:
    - operation:
        methods: ["GET"]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: ratings-viewer
  namespace: default
spec:
  selector:
    matchLabels:
      app: ratings
  action: ALLOW
  rules:
  - from:
    - source:
        principals: ["cluster.local/ns/default/sa/bookinfo-reviews"]
    to:
    - operation:
        methods: ["GET"]
        paths: ["/ratings/*", "/api/{*}/ratings/{**}"]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: tcp-policy
  namespace: foo
spec:
  selector:
    matchLabels:
      app: tcp-echo
  action: ALLOW
  rules:
  - to:
    - operation:
        ports: ["9000", "9001"]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: ingress-policy
  namespace: istio-system
spec:
  selector:
    matchLabels:
      app: istio-ingressgateway
  action: DENY
  rules:
  - from:
    - source:
        remoteIpBlocks: ["1.2.3.4", "5.6.7.0/24", "2001:db8::/32"]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: require-jwt
  namespace: foo
spec:
  selector:
    matchLabels:
      app: httpbin
  action: ALLOW
  rules:
  - from:
    - source:
        requestPrincipals: ["testing@secure.istio.io/testing@secure.istio.io"]
    when:
    - key: request.auth.claims[groups]
      values: ["group1"]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: deny-method-get
  namespace: foo
spec:
  selector:
    matchLabels:
      app: httpbin
  action: DENY
  rules:
  - to:
    - operation:
        methods: ["GET"]
    when:
    - key: request.headers[x-token]
      notValues: ["admin"]
    - key: source.ip
      values: ["10.0.0.0/8"]
    - key: destination.port
      values: ["8000"]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: ext-authz
  namespace: foo
spec:
  selector:
    matchLabels:
      app: httpbin
  action: CUSTOM
  provider:
    name: sample-ext-authz-grpc
  rules:
  - to:
    - operation:
        paths: ["/headers"]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: gateway-target
  namespace: foo
spec:
  targetRefs:
  - kind: Gateway
    group: gateway.networking.k8s.io
    name: httpbin-gateway
  action: AUDIT
  rules:
  - from:
    - source:
        namespaces: ["foo"]
        notIpBlocks: ["192.168.0.1"]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: service-accounts
  namespace: foo
spec:
  rules:
  - from:
    - source:
        serviceAccounts: ["curl", "foo/httpbin"]
        trustDomains: ["*.example.com"]
---
apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata:
  name: jwt-example
  namespace: istio-system
spec:
  selector:
    matchLabels:
      istio: ingressgateway
  jwtRules:
  - issuer: "testing@secure.istio.io"
    jwksUri: "https://raw.githubusercontent.com/istio/istio/master/security/tools/jwt/samples/jwks.json"
---
apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata:
  name: httpbin
  namespace: foo
spec:
  selector:
    matchLabels:
      app: httpbin
  jwtRules:
  - issuer: "issuer-foo"
    jwks: '{ "keys": [{ "kty": "RSA", "e": "AQAB", "n": "xAE7eB6qugXyCAG3yhh7pkDkT65pHymX-P7KfIupjf59vsdo91bSP9C8H07pSAGQO1MV_xFj9VswgsCg4R6otmg5PV2He95lZdHtOcU5DXIg_pbhLdKXbi66GlVeK6ABZOUW3WYtnNHD-91gVuoeJT_DwtGGcp4ignkgXfkiEm4sw-4sfb4qdt5oLbyVpmW6x9cfa7vs2WTfURiCrBoUqgBo_-4WTiULmmHSGZHOjzwa8WtrtOQGsAFjIbno85jp6MnGGGZPYZbDAa_b3y5u-YpW7ypZrvD8BgtKVjgtQgZhLAGezMt0ua3DRrWnKqTZ0BJ_EyxOGuHJrLsn00fnMQ" }]}'
    audiences: ["bookstore_android.apps.example.com"]
    fromHeaders:
    - name: x-jwt-assertion
      prefix: "Bearer "
    fromParams: ["my_token"]
    outputPayloadToHeader: x-jwt-payload
    forwardOriginalToken: true
    outputClaimToHeaders:
    - header: x-jwt-group
      claim: group
    timeout: 5s
`;

test('Istio security task samples validate', () => {
  assertSamplesValidate(SAMPLES, 'security-samples.yaml', 14);
});

const doc = (kind: string, spec: unknown) => ({ apiVersion: 'security.istio.io/v1', kind, metadata: { name: 'p', namespace: 'foo' }, spec });
const ap = (spec: unknown) => doc('AuthorizationPolicy', spec);
const pa = (spec: unknown) => doc('PeerAuthentication', spec);
const ra = (spec: unknown) => doc('RequestAuthentication', spec);
const fromSource = (source: unknown) => ap({ rules: [{ from: [{ source }] }] });
const toOperation = (operation: unknown) => ap({ rules: [{ to: [{ operation }] }] });
const when = (condition: unknown) => ap({ rules: [{ when: [condition] }] });
const jwt = (rule: unknown) => ra({ jwtRules: [rule] });
const selector = { matchLabels: { app: 'httpbin' } };

const BAD: BadDocument[] = [
  { name: 'pa unknown spec field', doc: pa({ mtsl: { mode: 'STRICT' } }), path: 'spec.mtsl', message: /unknown field "mtsl"/ },
  { name: 'pa lowercase mode', doc: pa({ mtls: { mode: 'strict' } }), path: 'spec.mtls.mode', message: /expected one of UNSET, DISABLE, PERMISSIVE, STRICT/ },
  { name: 'pa port 0', doc: pa({ selector, portLevelMtls: { 0: { mode: 'DISABLE' } } }), path: 'spec.portLevelMtls.0', message: /between 1 and 65535/ },
  { name: 'pa port not a number', doc: pa({ selector, portLevelMtls: { http: { mode: 'DISABLE' } } }), path: 'spec.portLevelMtls.http', message: /port/ },
  { name: 'pa empty portLevelMtls', doc: pa({ selector, portLevelMtls: {} }), path: 'spec.portLevelMtls', message: /at least one port/ },
  { name: 'pa portLevelMtls with empty selector', doc: pa({ selector: { matchLabels: {} }, portLevelMtls: { 8080: { mode: 'DISABLE' } } }), path: 'spec.portLevelMtls', message: /requires a selector/ },
  { name: 'pa wildcard selector value', doc: pa({ selector: { matchLabels: { app: 'http*' } } }), path: 'spec.selector.matchLabels.app', message: /wildcard/ },
  { name: 'ap empty principal among others', doc: fromSource({ principals: ['cluster.local/ns/default/sa/curl', ''] }), path: 'spec.rules[0].from[0].source.principals[1]', message: /empty value not allowed/ },
  { name: 'ap unknown source field', doc: fromSource({ principal: ['x'] }), path: 'spec.rules[0].from[0].source.principal', message: /unknown field "principal"/ },
  { name: 'ap empty source', doc: fromSource({}), path: 'spec.rules[0].from[0].source', message: /source must not be empty/ },
  { name: 'ap from without source', doc: ap({ rules: [{ from: [{}] }] }), path: 'spec.rules[0].from[0].source', message: /source is required/ },
  { name: 'ap empty from list', doc: ap({ rules: [{ from: [] }] }), path: 'spec.rules[0].from', message: /from must not be empty/ },
  { name: 'ap bad ipBlock', doc: fromSource({ ipBlocks: ['10.0.0.0/33'] }), path: 'spec.rules[0].from[0].source.ipBlocks[0]', message: /bad CIDR range "10.0.0.0\/33"/ },
  { name: 'ap bad remoteIpBlock address', doc: fromSource({ remoteIpBlocks: ['1.2.3'] }), path: 'spec.rules[0].from[0].source.remoteIpBlocks[0]', message: /bad IP address "1.2.3"/ },
  { name: 'ap serviceAccounts with namespaces', doc: fromSource({ serviceAccounts: ['curl'], namespaces: ['foo'] }), path: 'spec.rules[0].from[0].source.serviceAccounts', message: /cannot set serviceAccounts with namespaces or principals/ },
  { name: 'ap wildcard service account', doc: fromSource({ serviceAccounts: ['foo/*'] }), path: 'spec.rules[0].from[0].source.serviceAccounts[0]', message: /wildcard not allowed/ },
  { name: 'ap service account with two slashes', doc: fromSource({ serviceAccounts: ['a/b/c'] }), path: 'spec.rules[0].from[0].source.serviceAccounts[0]', message: /namespace\/serviceAccount/ },
  { name: 'ap trust domain wildcard in the middle', doc: fromSource({ trustDomains: ['foo.*.com'] }), path: 'spec.rules[0].from[0].source.trustDomains[0]', message: /start or end/ },
  { name: 'ap port as a number', doc: toOperation({ ports: [8080] }), path: 'spec.rules[0].to[0].operation.ports[0]', message: /write "8080"/ },
  { name: 'ap port out of range', doc: toOperation({ ports: ['70000'] }), path: 'spec.rules[0].to[0].operation.ports[0]', message: /bad port "70000"/ },
  { name: 'ap empty operation', doc: toOperation({}), path: 'spec.rules[0].to[0].operation', message: /operation must not be empty/ },
  { name: 'ap path template with {**} not last', doc: toOperation({ paths: ['/a/{**}/b/{*}'] }), path: 'spec.rules[0].to[0].operation.paths[0]', message: /\{\*\*\} must be the last operator/ },
  { name: 'ap path with a stray brace', doc: toOperation({ notPaths: ['/a/{id}'] }), path: 'spec.rules[0].to[0].operation.notPaths[0]', message: /outside a supported path template/ },
  { name: 'ap empty method', doc: toOperation({ methods: [''] }), path: 'spec.rules[0].to[0].operation.methods[0]', message: /empty value not allowed/ },
  { name: 'ap condition without values', doc: when({ key: 'source.namespace' }), path: 'spec.rules[0].when[0]', message: /at least one of values or notValues/ },
  { name: 'ap condition with empty key', doc: when({ key: '', values: ['a'] }), path: 'spec.rules[0].when[0].key', message: /key must not be empty/ },
  { name: 'ap condition header key without brackets', doc: when({ key: 'request.headers', values: ['a'] }), path: 'spec.rules[0].when[0].key', message: /bad key "request.headers"/ },
  { name: 'ap condition on replaced attribute', doc: when({ key: 'destination.labels[app]', values: ['a'] }), path: 'spec.rules[0].when[0].key', message: /replaced by the workload selector/ },
  { name: 'ap condition source.ip bad value', doc: when({ key: 'source.ip', notValues: ['10.0.0.1', 'nope'] }), path: 'spec.rules[0].when[0].notValues[1]', message: /bad IP address "nope"/ },
  { name: 'ap condition destination.port bad value', doc: when({ key: 'destination.port', values: ['http'] }), path: 'spec.rules[0].when[0].values[0]', message: /bad port/ },
  { name: 'ap provider with ALLOW', doc: ap({ action: 'ALLOW', provider: { name: 'x' }, rules: [{}] }), path: 'spec.provider', message: /only allowed with the CUSTOM action, found ALLOW/ },
  { name: 'ap CUSTOM provider without name', doc: ap({ action: 'CUSTOM', provider: {}, rules: [{}] }), path: 'spec.provider.name', message: /provider.name is required/ },
  { name: 'ap CUSTOM without rules', doc: ap({ action: 'CUSTOM', provider: { name: 'x' } }), path: 'spec.rules', message: /never be triggered/ },
  { name: 'ap CUSTOM with principals', doc: ap({ action: 'CUSTOM', provider: { name: 'x' }, rules: [{ from: [{ source: { principals: ['a'] } }] }] }), path: 'spec.rules[0].from[0].source.principals', message: /not supported with the CUSTOM action/ },
  { name: 'ap CUSTOM with request.auth condition', doc: ap({ action: 'CUSTOM', provider: { name: 'x' }, rules: [{ when: [{ key: 'request.auth.claims[iss]', values: ['a'] }] }] }), path: 'spec.rules[0].when[0].key', message: /not supported with the CUSTOM action/ },
  { name: 'ap DENY without rules', doc: ap({ action: 'DENY', selector }), path: 'spec.rules', message: /DENY action without rules/ },
  { name: 'ap selector and targetRefs', doc: ap({ selector, targetRefs: [{ kind: 'Service', name: 'httpbin' }] }), path: 'spec.targetRefs', message: /only one of selector, targetRef or targetRefs/ },
  { name: 'ap targetRef to a Deployment', doc: ap({ targetRef: { kind: 'Deployment', group: 'apps', name: 'httpbin' } }), path: 'spec.targetRef.kind', message: /targetRef must be to one of Service.*got apps\/Deployment/ },
  { name: 'ap targetRef across namespaces', doc: ap({ targetRef: { kind: 'Service', name: 'httpbin', namespace: 'bar' } }), path: 'spec.targetRef.namespace', message: /cross namespace/ },
  { name: 'ap spec missing', doc: { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'p' } }, path: 'spec', message: /spec is required/ },
  { name: 'ra jwksUri with a bad scheme', doc: jwt({ issuer: 'i', jwksUri: 'ftp://example.com/jwks' }), path: 'spec.jwtRules[0].jwksUri', message: /http:\/\/ or https:\/\// },
  { name: 'ra jwksUri not a URL', doc: jwt({ issuer: 'i', jwksUri: 'jwks.json' }), path: 'spec.jwtRules[0].jwksUri', message: /invalid URL/ },
  { name: 'ra jwks not JSON', doc: jwt({ issuer: 'i', jwks: '{keys: ' }), path: 'spec.jwtRules[0].jwks', message: /jwks parse error/ },
  { name: 'ra jwks and jwksUri together', doc: jwt({ issuer: 'i', jwksUri: 'https://a/jwks', jwks: '{"keys":[]}' }), path: 'spec.jwtRules[0].jwks', message: /only one of jwks or jwksUri/ },
  { name: 'ra fromHeaders without name', doc: jwt({ issuer: 'i', fromHeaders: [{ prefix: 'Bearer ' }] }), path: 'spec.jwtRules[0].fromHeaders[0].name', message: /name is required/ },
  { name: 'ra empty audience', doc: jwt({ issuer: 'i', audiences: [''] }), path: 'spec.jwtRules[0].audiences[0]', message: /audience must not be empty/ },
  { name: 'ra forwardOriginalToken as a string', doc: jwt({ issuer: 'i', forwardOriginalToken: 'yes' }), path: 'spec.jwtRules[0].forwardOriginalToken', message: /boolean/ },
  { name: 'ra bad claim header', doc: jwt({ issuer: 'i', outputClaimToHeaders: [{ header: 'x:group', claim: 'g' }] }), path: 'spec.jwtRules[0].outputClaimToHeaders[0].header', message: /header name/ },
  { name: 'ra timeout not a duration', doc: jwt({ issuer: 'i', timeout: '5 seconds' }), path: 'spec.jwtRules[0].timeout', message: /duration/ },
  { name: 'ra unknown rule field', doc: jwt({ issuer: 'i', jwks_url: 'https://a' }), path: 'spec.jwtRules[0].jwks_url', message: /unknown field "jwks_url"/ },
];

test('the security bad-document table is large enough to mean something', () => {
  assert.ok(BAD.length >= 30, `only ${BAD.length} cases`);
});

badDocumentTable(BAD);
