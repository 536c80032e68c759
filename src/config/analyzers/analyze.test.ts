// analyze() as a whole: the clean Bookinfo run, namespaces, suppression, replacement, order, and
// resilience to malformed documents.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Analyzer } from './context.js';
import { ANALYZERS, analyze, formatAnalysis, runAnalyzers } from './index.js';
import { schemaValidationAnalyzer } from './schema-validation.js';
import { BOOKINFO, fixture, inputsFrom } from './testdata/load.js';

// Everything but schema validation, for tests about what the semantic analyzers see.
const SEMANTIC = ANALYZERS.filter((a) => a !== schemaValidationAnalyzer);

const brokenReviews = (namespace: string) => `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews-broken
  namespace: ${namespace}
spec:
  hosts:
  - reviews.default.svc.cluster.local
  gateways:
  - no-such-gateway
  http:
  - route:
    - destination:
        host: reviews.default.svc.cluster.local
`;

describe('analyze', () => {
  it('finds no issue in Bookinfo: workloads, gateway, destination-rule-all, virtual-service-all-v1', () => {
    const messages = analyze(fixture(...BOOKINFO));
    assert.deepEqual(messages, [], formatAnalysis(messages));
    assert.equal(formatAnalysis(messages), '✔ No validation issues found when analyzing namespace: default.');
  });

  it('reports only on the namespace asked about, unless all namespaces are', () => {
    const broken = inputsFrom(brokenReviews('team-a'), 'team-a.yaml');
    const inputs = [...fixture(...BOOKINFO), ...broken];
    assert.deepEqual(runAnalyzers(inputs, {}, SEMANTIC), []);
    assert.deepEqual(runAnalyzers(inputs, { allNamespaces: true }, SEMANTIC).map((m) => [m.code, m.resource, m.line, m.message]), [
      ['IST0101', 'VirtualService team-a/reviews-broken', 11, 'Referenced gateway not found: "no-such-gateway"'],
    ]);
    // Alone, without Bookinfo, the destination host is unknown as well.
    assert.deepEqual(runAnalyzers(broken, { namespace: 'team-a' }, SEMANTIC).map((m) => [m.code, m.resource, m.line]), [
      ['IST0101', 'VirtualService team-a/reviews-broken', 11],
      ['IST0101', 'VirtualService team-a/reviews-broken', 15],
    ]);
  });

  it('places resources without a namespace in the namespace analyzed', () => {
    const inputs = inputsFrom(brokenReviews('team-a').replace('  namespace: team-a\n', ''), 'x.yaml');
    const messages = runAnalyzers(inputs, { namespace: 'team-b' }, SEMANTIC);
    assert.ok(messages.length > 0);
    assert.deepEqual([...new Set(messages.map((m) => m.resource))], ['VirtualService team-b/reviews-broken']);
    assert.deepEqual(runAnalyzers(inputs, { namespace: 'team-a' }, SEMANTIC).map((m) => m.resource)[0], 'VirtualService team-a/reviews-broken');
  });

  it('honours galley.istio.io/analyze-suppress on the resource', () => {
    const text = brokenReviews('default').replace('  namespace: default\n', '  namespace: default\n  annotations:\n    galley.istio.io/analyze-suppress: IST0118,IST0101\n');
    assert.deepEqual(runAnalyzers([...fixture(...BOOKINFO), ...inputsFrom(text, 'x.yaml')], {}, SEMANTIC), []);
    const star = brokenReviews('default').replace('  namespace: default\n', '  namespace: default\n  annotations:\n    galley.istio.io/analyze-suppress: "*"\n');
    assert.deepEqual(runAnalyzers([...fixture(...BOOKINFO), ...inputsFrom(star, 'x.yaml')], {}, SEMANTIC), []);
  });

  it('lets a later input replace an earlier one of the same kind, namespace and name', () => {
    const fixed = brokenReviews('default').replace('  - no-such-gateway\n', '  - mesh\n');
    const inputs = [...fixture(...BOOKINFO), ...inputsFrom(brokenReviews('default'), 'old.yaml'), ...inputsFrom(fixed, 'new.yaml')];
    const messages = runAnalyzers(inputs, {}, SEMANTIC);
    assert.ok(messages.every((m) => m.file !== 'old.yaml'), formatAnalysis(messages));
  });

  it('sorts by level, then code, then resource, as istioctl does', () => {
    const inputs = [
      ...fixture('bookinfo/bookinfo.yaml', 'port-names.yaml', 'destination-rule-tls.yaml', 'gateway-not-found.yaml', 'not-enforced.yaml'),
    ];
    const got = runAnalyzers(inputs, {}, SEMANTIC).map((m) => `${m.level} ${m.code} ${m.resource}`);
    const sorted = [...got].sort((a, b) => {
      const rank = (s: string) => ['Error', 'Warning', 'Info'].indexOf(s.split(' ')[0]!);
      return rank(a) - rank(b) || (a.split(' ')[1]! < b.split(' ')[1]! ? -1 : a.split(' ')[1]! > b.split(' ')[1]! ? 1 : 0);
    });
    assert.deepEqual(got, sorted);
    assert.equal(got[0]!.split(' ')[0], 'Error');
    assert.equal(got.at(-1)!.split(' ')[0], 'Info');
  });

  it('survives malformed documents: schema errors, never an internal error', () => {
    const text = `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: bad
spec:
  hosts: reviews
  gateways: [3, {a: 1}]
  http: oops
  tcp:
  - route: [null, {destination: 5}, {destination: {host: 7, port: {number: "x"}}}]
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: bad
spec:
  host: [reviews]
  subsets: [null, {name: 5}, {name: v1, labels: "x"}]
  trafficPolicy: {tls: "x", portLevelSettings: [{port: 9080, tls: {mode: 3}}]}
---
apiVersion: v1
kind: Service
metadata:
  name: bad
spec:
  selector: 5
  ports: [{port: "a"}, null, {port: 80, name: 9}]
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: bad
spec:
  selector: [x]
  servers: [{}, {port: {number: 80}, hosts: "x"}]
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: bad
spec:
  selector: x
  mtls: STRICT
  portLevelMtls: [1]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: bad
spec:
  replicas: "many"
  template: {metadata: {labels: [1]}, spec: {containers: [{ports: [{containerPort: "x"}]}]}}
---
apiVersion: v1
kind: Namespace
metadata:
  name: bad
  labels: "x"
---
kind: VirtualService
metadata: 7
---
apiVersion: v1
spec: {}
`;
    const messages = analyze([...fixture(...BOOKINFO), ...inputsFrom(text, 'bad.yaml')], { allNamespaces: true });
    assert.ok(!messages.some((m) => m.code === 'IST0001'), formatAnalysis(messages));
    const vsErrors = messages.filter((m) => m.code === 'IST0106' && m.resource === 'VirtualService default/bad');
    assert.ok(vsErrors.length > 0 && vsErrors.every((m) => m.file === 'bad.yaml' && m.line !== undefined && m.path));
    assert.ok(messages.some((m) => m.code === 'IST0106' && m.resource === 'VirtualService' && m.message.includes('apiVersion')));
  });

  it('turns an analyzer that throws into IST0001 and keeps the others', () => {
    const broken: Analyzer = { name: 'test.Broken', analyze: () => { throw new Error('boom'); } };
    const inputs = [...fixture(...BOOKINFO), ...inputsFrom(brokenReviews('default'), 'x.yaml')];
    const messages = runAnalyzers(inputs, {}, [broken, ...SEMANTIC]);
    assert.deepEqual(messages.map((m) => m.code), ['IST0001', 'IST0101']);
    assert.equal(messages[0]!.message, 'Internal error: test.Broken: boom');
    assert.equal(formatAnalysis([messages[0]!]), 'Error [IST0001] Internal error: test.Broken: boom');
  });
});
