// The table of bad documents users write: each must be rejected with the exact field path and the
// line and column where the field was written (marked `#!` in the YAML below).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadYaml } from './yaml-loader.js';
import { validateLoaded } from './validate.js';
import { formatConfigError, type ConfigError } from './errors.js';

interface Case {
  name: string;
  yaml: string;
  path: string;
  message: RegExp;
  /** Where the error points when no line of the case can carry the marker (an error about all of `spec`). */
  at?: { line: number; column: number };
}

const vs = (body: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
  namespace: default
spec:
${body}`;
const dr = (body: string) => `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: reviews
spec:
${body}`;
const gw = (body: string) => `apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: bookinfo-gateway
spec:
${body}`;
const se = (body: string) => `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: ext
spec:
${body}`;
const pa = (body: string) => `apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: default
spec:
${body}`;
const ap = (body: string) => `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: policy
spec:
${body}`;
const ra = (body: string) => `apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata:
  name: jwt
spec:
${body}`;
const route = `  http:
  - route:
    - destination:
        host: reviews`;

const CASES: Case[] = [
  // --- type meta and metadata
  { name: 'missing apiVersion', yaml: `kind: VirtualService #!\nmetadata:\n  name: x\nspec: {}\n`, path: 'apiVersion', message: /apiVersion is required/ },
  { name: 'unknown kind', yaml: `apiVersion: networking.istio.io/v1\nkind: VirtualServise #!\nmetadata:\n  name: x\n`, path: 'kind', message: /unknown kind "VirtualServise"/ },
  { name: 'unserved version', yaml: `apiVersion: networking.istio.io/v2 #!\nkind: VirtualService\nmetadata:\n  name: x\n`, path: 'apiVersion', message: /not served/ },
  { name: 'wrong group for kind', yaml: `apiVersion: security.istio.io/v1\nkind: VirtualService #!\nmetadata:\n  name: x\n`, path: 'kind', message: /networking\.istio\.io\/v1/ },
  { name: 'missing metadata.name', yaml: `apiVersion: v1\nkind: Namespace\nmetadata:\n  labels: {} #!\n`, path: 'metadata.name', message: /name is required/ },
  { name: 'uppercase name', yaml: `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: Bookinfo #!\n`, path: 'metadata.name', message: /invalid name "Bookinfo"/ },
  { name: 'bad namespace', yaml: `apiVersion: v1\nkind: Service\nmetadata:\n  name: x\n  namespace: Default_NS #!\nspec:\n  ports:\n  - port: 80\n`, path: 'metadata.namespace', message: /DNS label/ },
  { name: 'namespace on a cluster-scoped kind', yaml: `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n  namespace: default #!\n`, path: 'metadata.namespace', message: /cluster-scoped/ },
  { name: 'unknown metadata field', yaml: `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n  lables: #!\n    a: b\n`, path: 'metadata.lables', message: /unknown field "lables"/ },
  { name: 'bad label key', yaml: `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n  labels:\n    "bad key!": v #!\n`, path: 'metadata.labels.bad key!', message: /label key/ },
  { name: 'non-string label value', yaml: `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n  labels:\n    version: 1 #!\n`, path: 'metadata.labels.version', message: /string/ },
  // --- VirtualService
  { name: 'vs unknown spec field', yaml: vs(`  hostz: #!\n  - reviews\n${route}\n`), path: 'spec.hostz', message: /unknown field "hostz"/ },
  { name: 'vs typo in route field', yaml: vs(`  hosts: [reviews]\n  http:\n  - route:\n    - destination:\n        host: reviews\n      weigth: 50 #!\n`), path: 'spec.http[0].route[0].weigth', message: /unknown field "weigth"/ },
  { name: 'vs weight over 100', yaml: vs(`  hosts: [reviews]\n  http:\n  - route:\n    - destination:\n        host: reviews\n      weight: 120 #!\n`), path: 'spec.http[0].route[0].weight', message: /100/ },
  { name: 'vs negative weight', yaml: vs(`  hosts: [reviews]\n  http:\n  - route:\n    - destination:\n        host: reviews\n      weight: -1 #!\n`), path: 'spec.http[0].route[0].weight', message: /0/ },
  { name: 'vs weight not a number', yaml: vs(`  hosts: [reviews]\n  http:\n  - route:\n    - destination:\n        host: reviews\n      weight: lots #!\n`), path: 'spec.http[0].route[0].weight', message: /number/ },
  { name: 'vs http route without destination', yaml: vs(`  hosts: [reviews]\n  http:\n  - name: empty #!\n`), path: 'spec.http[0]', message: /route|redirect|directResponse/ },
  { name: 'vs redirect and route together', yaml: vs(`  hosts: [reviews]\n  http:\n  - redirect: #!\n      uri: /v1\n    route:\n    - destination:\n        host: reviews\n`), path: 'spec.http[0]', message: /redirect/ },
  { name: 'vs destination without host', yaml: vs(`  hosts: [reviews]\n  http:\n  - route:\n    - destination:\n        subset: v1 #!\n`), path: 'spec.http[0].route[0].destination.host', message: /host/ },
  { name: 'vs bad timeout', yaml: vs(`  hosts: [reviews]\n${route}\n    timeout: 10 seconds #!\n`), path: 'spec.http[0].timeout', message: /duration/ },
  { name: 'vs bad perTryTimeout', yaml: vs(`  hosts: [reviews]\n${route}\n    retries:\n      attempts: 3\n      perTryTimeout: 2 #!\n`), path: 'spec.http[0].retries.perTryTimeout', message: /duration|string/ },
  { name: 'vs negative retry attempts', yaml: vs(`  hosts: [reviews]\n${route}\n    retries:\n      attempts: -2 #!\n`), path: 'spec.http[0].retries.attempts', message: /0|negative/ },
  { name: 'vs bad regex', yaml: vs(`  hosts: [reviews]\n  http:\n  - match:\n    - uri:\n        regex: "(?=lookahead)" #!\n    route:\n    - destination:\n        host: reviews\n`), path: 'spec.http[0].match[0].uri.regex', message: /RE2/ },
  { name: 'vs unbalanced regex', yaml: vs(`  hosts: [reviews]\n  http:\n  - match:\n    - uri:\n        regex: "/api/(v1" #!\n    route:\n    - destination:\n        host: reviews\n`), path: 'spec.http[0].match[0].uri.regex', message: /regular expression/ },
  { name: 'vs uppercase header name', yaml: vs(`  hosts: [reviews]\n  http:\n  - match:\n    - headers:\n        End-User: #!\n          exact: jason\n    route:\n    - destination:\n        host: reviews\n`), path: 'spec.http[0].match[0].headers.End-User', message: /lowercase/ },
  { name: 'vs string match with two forms', yaml: vs(`  hosts: [reviews]\n  http:\n  - match:\n    - uri: #!\n        exact: /a\n        prefix: /b\n    route:\n    - destination:\n        host: reviews\n`), path: 'spec.http[0].match[0].uri', message: /one|exact|prefix/ },
  { name: 'vs fault percentage over 100', yaml: vs(`  hosts: [ratings]\n${route}\n    fault:\n      delay:\n        fixedDelay: 7s\n        percentage:\n          value: 150 #!\n`), path: 'spec.http[0].fault.delay.percentage.value', message: /100/ },
  { name: 'vs fault delay without fixedDelay', yaml: vs(`  hosts: [ratings]\n${route}\n    fault:\n      delay: #!\n        percentage:\n          value: 10\n`), path: 'spec.http[0].fault.delay', message: /fixedDelay/ },
  { name: 'vs abort status out of range', yaml: vs(`  hosts: [ratings]\n${route}\n    fault:\n      abort:\n        httpStatus: 700 #!\n`), path: 'spec.http[0].fault.abort.httpStatus', message: /599|status/ },
  { name: 'vs redirect code', yaml: vs(`  hosts: [reviews]\n  http:\n  - redirect:\n      uri: /v2\n      redirectCode: 200 #!\n`), path: 'spec.http[0].redirect.redirectCode', message: /3\d\d|redirect/ },
  { name: 'vs mirrorPercentage over 100', yaml: vs(`  hosts: [reviews]\n${route}\n    mirror:\n      host: reviews\n    mirrorPercentage:\n      value: 101 #!\n`), path: 'spec.http[0].mirrorPercentage.value', message: /100/ },
  { name: 'vs host with port', yaml: vs(`  hosts:\n  - reviews:9080 #!\n${route}\n`), path: 'spec.hosts[0]', message: /host/ },
  { name: 'vs destination port out of range', yaml: vs(`  hosts: [reviews]\n  http:\n  - route:\n    - destination:\n        host: reviews\n        port:\n          number: 70000 #!\n`), path: 'spec.http[0].route[0].destination.port.number', message: /65535/ },
  { name: 'vs hosts not a list', yaml: vs(`  hosts: reviews #!\n${route}\n`), path: 'spec.hosts', message: /array|list/ },
  { name: 'vs cors maxAge', yaml: vs(`  hosts: [reviews]\n${route}\n    corsPolicy:\n      maxAge: one day #!\n`), path: 'spec.http[0].corsPolicy.maxAge', message: /duration/ },
  { name: 'vs tcp route port', yaml: vs(`  hosts: [mongo]\n  tcp:\n  - match:\n    - port: 0 #!\n    route:\n    - destination:\n        host: mongo\n`), path: 'spec.tcp[0].match[0].port', message: /65535|port/ },
  // --- DestinationRule
  { name: 'dr missing host', yaml: dr(`  subsets: #!\n  - name: v1\n    labels:\n      version: v1\n`), path: 'spec.host', message: /host/ },
  { name: 'dr subset name uppercase', yaml: dr(`  host: reviews\n  subsets:\n  - name: V1 #!\n    labels:\n      version: v1\n`), path: 'spec.subsets[0].name', message: /subset|name|DNS|lowercase/ },
  { name: 'dr unknown lb', yaml: dr(`  host: reviews\n  trafficPolicy:\n    loadBalancer:\n      simple: FASTEST #!\n`), path: 'spec.trafficPolicy.loadBalancer.simple', message: /ROUND_ROBIN/ },
  { name: 'dr bad tls mode', yaml: dr(`  host: reviews\n  trafficPolicy:\n    tls:\n      mode: STRICT #!\n`), path: 'spec.trafficPolicy.tls.mode', message: /ISTIO_MUTUAL/ },
  { name: 'dr mutual without certs', yaml: dr(`  host: reviews\n  trafficPolicy:\n    tls: #!\n      mode: MUTUAL\n`), path: 'spec.trafficPolicy.tls', message: /clientCertificate|credentialName/ },
  { name: 'dr negative maxConnections', yaml: dr(`  host: reviews\n  trafficPolicy:\n    connectionPool:\n      tcp:\n        maxConnections: -1 #!\n`), path: 'spec.trafficPolicy.connectionPool.tcp.maxConnections', message: /0|negative/ },
  { name: 'dr bad outlier interval', yaml: dr(`  host: reviews\n  trafficPolicy:\n    outlierDetection:\n      interval: 1 minute #!\n`), path: 'spec.trafficPolicy.outlierDetection.interval', message: /duration/ },
  { name: 'dr maxEjectionPercent over 100', yaml: dr(`  host: reviews\n  trafficPolicy:\n    outlierDetection:\n      maxEjectionPercent: 120 #!\n`), path: 'spec.trafficPolicy.outlierDetection.maxEjectionPercent', message: /100/ },
  { name: 'dr consistentHash with two keys', yaml: dr(`  host: reviews\n  trafficPolicy:\n    loadBalancer:\n      consistentHash: #!\n        httpHeaderName: x-user\n        useSourceIp: true\n`), path: 'spec.trafficPolicy.loadBalancer.consistentHash', message: /one|only/ },
  { name: 'dr subset label value', yaml: dr(`  host: reviews\n  subsets:\n  - name: v1\n    labels:\n      version: "v 1" #!\n`), path: 'spec.subsets[0].labels.version', message: /label/ },
  { name: 'dr port level setting port', yaml: dr(`  host: reviews\n  trafficPolicy:\n    portLevelSettings:\n    - port:\n        number: 99999 #!\n      loadBalancer:\n        simple: RANDOM\n`), path: 'spec.trafficPolicy.portLevelSettings[0].port.number', message: /65535/ },
  // --- Gateway
  { name: 'gw server without port', yaml: gw(`  selector:\n    istio: ingressgateway\n  servers:\n  - hosts: #!\n    - "*"\n`), path: 'spec.servers[0].port', message: /port/ },
  { name: 'gw bad protocol', yaml: gw(`  servers:\n  - port:\n      number: 80\n      name: http\n      protocol: HTTTP #!\n    hosts: ["*"]\n`), path: 'spec.servers[0].port.protocol', message: /HTTP/ },
  { name: 'gw port out of range', yaml: gw(`  servers:\n  - port:\n      number: 0 #!\n      name: http\n      protocol: HTTP\n    hosts: ["*"]\n`), path: 'spec.servers[0].port.number', message: /65535|port/ },
  { name: 'gw https without tls', yaml: gw(`  servers:\n  - port: #!\n      number: 443\n      name: https\n      protocol: HTTPS\n    hosts: ["*"]\n`), path: 'spec.servers[0]', message: /tls/i },
  { name: 'gw simple tls without cert', yaml: gw(`  servers:\n  - port:\n      number: 443\n      name: https\n      protocol: HTTPS\n    hosts: ["*"]\n    tls: #!\n      mode: SIMPLE\n`), path: 'spec.servers[0].tls', message: /credentialName|serverCertificate/ },
  { name: 'gw server without hosts', yaml: gw(`  servers:\n  - port: #!\n      number: 80\n      name: http\n      protocol: HTTP\n`), path: 'spec.servers[0].hosts', message: /host/ },
  // --- ServiceEntry
  { name: 'se bad resolution', yaml: se(`  hosts: [api.example.com]\n  ports:\n  - number: 443\n    name: https\n    protocol: TLS\n  resolution: MAGIC #!\n`), path: 'spec.resolution', message: /DNS|STATIC|NONE/ },
  { name: 'se bad location', yaml: se(`  hosts: [api.example.com]\n  location: OUTSIDE #!\n  ports:\n  - number: 443\n    name: https\n    protocol: TLS\n  resolution: DNS\n`), path: 'spec.location', message: /MESH_EXTERNAL/ },
  { name: 'se port number', yaml: se(`  hosts: [api.example.com]\n  ports:\n  - number: 65536 #!\n    name: https\n    protocol: TLS\n  resolution: DNS\n`), path: 'spec.ports[0].number', message: /65535/ },
  { name: 'se static without endpoints', yaml: se(`  hosts: [db.internal]\n  ports:\n  - number: 5432\n    name: tcp\n    protocol: TCP\n  resolution: STATIC\n`), path: 'spec', message: /endpoint|STATIC/, at: { line: 5, column: 1 } },
  // --- security
  { name: 'pa bad mode', yaml: pa(`  mtls:\n    mode: MUTUAL #!\n`), path: 'spec.mtls.mode', message: /STRICT/ },
  { name: 'pa port level without selector', yaml: pa(`  portLevelMtls: #!\n    8080:\n      mode: DISABLE\n`), path: 'spec.portLevelMtls', message: /selector/ },
  { name: 'ap bad action', yaml: ap(`  action: PERMIT #!\n`), path: 'spec.action', message: /ALLOW/ },
  { name: 'ap custom without provider', yaml: ap(`  action: CUSTOM #!\n  rules:\n  - {}\n`), path: 'spec.provider', message: /provider/ },
  { name: 'ap unknown condition key', yaml: ap(`  rules:\n  - when:\n    - key: request.header[foo] #!\n      values: ["x"]\n`), path: 'spec.rules[0].when[0].key', message: /key|attribute|supported/ },
  { name: 'ap empty principal', yaml: ap(`  rules:\n  - from:\n    - source:\n        principals:\n        - "" #!\n`), path: 'spec.rules[0].from[0].source.principals[0]', message: /empty/ },
  { name: 'ra jwt rule without issuer', yaml: ra(`  jwtRules:\n  - jwksUri: https://example.com/jwks.json #!\n`), path: 'spec.jwtRules[0].issuer', message: /issuer/ },
  // --- Kubernetes
  { name: 'service port out of range', yaml: `apiVersion: v1\nkind: Service\nmetadata:\n  name: reviews\nspec:\n  ports:\n  - port: 90800 #!\n    name: http\n`, path: 'spec.ports[0].port', message: /65535/ },
  { name: 'deployment negative replicas', yaml: `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: reviews-v1\nspec:\n  replicas: -1 #!\n  selector:\n    matchLabels: {app: reviews}\n  template:\n    metadata:\n      labels: {app: reviews}\n    spec:\n      containers:\n      - name: reviews\n        image: docker.io/istio/examples-bookinfo-reviews-v1:1.20.3\n`, path: 'spec.replicas', message: /0|negative/ },
  { name: 'deployment container without image', yaml: `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: reviews-v1\nspec:\n  selector:\n    matchLabels: {app: reviews}\n  template:\n    metadata:\n      labels: {app: reviews}\n    spec:\n      containers:\n      - name: reviews #!\n`, path: 'spec.template.spec.containers[0].image', message: /image/ },
  { name: 'deployment unknown container field', yaml: `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: reviews-v1\nspec:\n  selector:\n    matchLabels: {app: reviews}\n  template:\n    metadata:\n      labels: {app: reviews}\n    spec:\n      containers:\n      - name: reviews\n        image: x\n        imagePullPolize: IfNotPresent #!\n`, path: 'spec.template.spec.containers[0].imagePullPolize', message: /unknown field/ },
];

function markedPosition(yaml: string): { line: number; column: number } {
  const lines = yaml.split('\n');
  const index = lines.findIndex((l) => l.includes('#!'));
  assert.ok(index >= 0, 'every case marks its line with #!');
  const text = lines[index]!;
  const column = text.search(/[^ -]/) + 1;
  return { line: index + 1, column };
}

test(`the bad-document table has at least 60 cases`, () => {
  assert.ok(CASES.length >= 60, `only ${CASES.length} cases`);
});

for (const c of CASES) {
  test(`bad document: ${c.name}`, () => {
    const { resources, errors: syntax } = loadYaml(c.yaml, 'case.yaml');
    assert.deepEqual(syntax, []);
    assert.equal(resources.length, 1);
    const result = validateLoaded(resources[0]!);
    assert.equal(result.ok, false, `expected ${c.name} to be rejected`);
    if (result.ok) return;
    const match = result.errors.find((e: ConfigError) => e.path === c.path);
    assert.ok(match, `no error at ${c.path}; got:\n${result.errors.map(formatConfigError).join('\n')}`);
    assert.match(match.message, c.message);
    const expected = c.at ?? markedPosition(c.yaml);
    assert.equal(match.file, 'case.yaml');
    assert.equal(match.document, 0);
    assert.deepEqual({ line: match.line, column: match.column }, expected, formatConfigError(match));
  });
}

test('syntax errors name the file, document and line; good documents still load', () => {
  const text = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n---\nkey: [unclosed\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: b\n';
  const { resources, errors } = loadYaml(text, 'multi.yaml');
  assert.equal(resources.length, 2);
  assert.equal(errors.length >= 1, true);
  assert.equal(errors[0]!.file, 'multi.yaml');
  assert.equal(errors[0]!.document, 1);
  assert.ok(errors[0]!.line! >= 6);
});

test('duplicate keys are an error', () => {
  const { errors } = loadYaml('apiVersion: v1\nkind: Namespace\nkind: Service\nmetadata:\n  name: a\n', 'dup.yaml');
  assert.equal(errors.length, 1);
  assert.match(errors[0]!.message, /unique|duplicate/i);
  assert.equal(errors[0]!.line, 3);
});

test('List kinds and JSON documents load, with positions inside items', () => {
  const list = 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Namespace\n  metadata:\n    name: UPPER\n';
  const { resources } = loadYaml(list, 'list.yaml');
  assert.equal(resources.length, 1);
  const r = validateLoaded(resources[0]!);
  assert.equal(r.ok, false);
  if (!r.ok) assert.deepEqual([r.errors[0]!.path, r.errors[0]!.line, r.errors[0]!.column], ['metadata.name', 7, 5]);
  const json = loadYaml('{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "j"}}', 'ns.json');
  assert.equal(json.resources.length, 1);
  assert.equal(validateLoaded(json.resources[0]!).ok, true);
});

test('formatConfigError reads file:line:col: document (resource): path: message', () => {
  assert.equal(
    formatConfigError({ file: 'bookinfo.yaml', line: 14, column: 9, document: 1, resource: 'VirtualService default/reviews', path: 'spec.http[0].route[0].weight', message: 'expected a number between 0 and 100' }),
    'bookinfo.yaml:14:9: document 2 (VirtualService default/reviews): spec.http[0].route[0].weight: expected a number between 0 and 100',
  );
});
