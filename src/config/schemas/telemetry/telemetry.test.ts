// Telemetry schema: the shapes from Istio's telemetry docs validate; bad documents are rejected
// with the exact field path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertSamplesValidate, badDocumentTable, type BadDocument } from '../schema-test-kit.js';
import { celSyntaxProblem } from './telemetry.js';

const SAMPLES = `
apiVersion: telemetry.istio.io/v1
kind: Telemetry
metadata:
  name: mesh-default
  namespace: istio-system
spec:
  accessLogging:
  - providers:
    - name: envoy
---
apiVersion: telemetry.istio.io/v1
kind: Telemetry
metadata:
  name: mesh-tracing
  namespace: istio-system
spec:
  tracing:
  - providers:
    - name: zipkin
    randomSamplingPercentage: 10.00
    customTags:
      my_tag_header:
        header:
          name: x-custom
          defaultValue: unknown
      my_tag_literal:
        literal:
          value: bookinfo
      my_tag_env:
        environment:
          name: POD_NAME
---
apiVersion: telemetry.istio.io/v1alpha1
kind: Telemetry
metadata:
  name: namespace-metrics
  namespace: bookinfo
spec:
  selector:
    matchLabels:
      app: reviews
  metrics:
  - providers:
    - name: prometheus
    overrides:
    - match:
        metric: REQUEST_COUNT
        mode: CLIENT_AND_SERVER
      tagOverrides:
        request_operation:
          value: istio_operationId
        request_host:
          operation: REMOVE
    - match:
        customMetric: my_metric
      disabled: true
    reportingInterval: 15s
---
apiVersion: telemetry.istio.io/v1
kind: Telemetry
metadata:
  name: filtered-logs
  namespace: default
spec:
  accessLogging:
  - providers:
    - name: otel
    match:
      mode: SERVER
    filter:
      expression: response.code >= 400 || request.headers['x-debug'] == "on"
    disabled: null
`;

test('Telemetry samples validate', () => {
  assertSamplesValidate(SAMPLES, 'telemetry.yaml', 4);
});

test('the CEL syntax check catches what a parser would, and passes real filters', () => {
  assert.equal(celSyntaxProblem('response.code >= 400'), undefined);
  assert.equal(celSyntaxProblem(`request.url_path.startsWith("/api(") && has(request.headers['x'])`), undefined);
  assert.match(celSyntaxProblem('response.code >= ') ?? '', /ends with an operator/);
  assert.match(celSyntaxProblem('has(request.headers') ?? '', /"\(" is never closed/);
  assert.match(celSyntaxProblem('a == "b') ?? '', /unterminated string/);
  assert.match(celSyntaxProblem('a)') ?? '', /unexpected "\)"/);
  assert.match(celSyntaxProblem('  ') ?? '', /empty/);
});

const tel = (spec: unknown) => ({ apiVersion: 'telemetry.istio.io/v1', kind: 'Telemetry', metadata: { name: 't', namespace: 'default' }, spec });

const BAD: BadDocument[] = [
  { name: 'unknown spec field', doc: tel({ tracings: [] }), path: 'spec.tracings', message: /unknown field "tracings"/ },
  { name: 'provider without name', doc: tel({ accessLogging: [{ providers: [{}] }] }), path: 'spec.accessLogging[0].providers[0].name', message: /name is required/ },
  { name: 'empty provider name', doc: tel({ tracing: [{ providers: [{ name: '' }] }] }), path: 'spec.tracing[0].providers[0].name', message: /may not be empty/ },
  { name: 'sampling over 100', doc: tel({ tracing: [{ randomSamplingPercentage: 150 }] }), path: 'spec.tracing[0].randomSamplingPercentage', message: /\[0.0, 100.0\]/ },
  { name: 'custom tag with two types', doc: tel({ tracing: [{ customTags: { t: { literal: { value: 'a' }, header: { name: 'b' } } } }] }), path: 'spec.tracing[0].customTags.t.header', message: /only one of/ },
  { name: 'empty literal tag', doc: tel({ tracing: [{ customTags: { t: { literal: { value: '' } } } }] }), path: 'spec.tracing[0].customTags.t.literal.value', message: /literal tag value may not be empty/ },
  { name: 'bad workload mode', doc: tel({ tracing: [{ match: { mode: 'BOTH' } }] }), path: 'spec.tracing[0].match.mode', message: /expected one of CLIENT_AND_SERVER, CLIENT, SERVER/ },
  { name: 'unknown metric', doc: tel({ metrics: [{ overrides: [{ match: { metric: 'REQUEST_TOTAL' } }] }] }), path: 'spec.metrics[0].overrides[0].match.metric', message: /REQUEST_COUNT/ },
  { name: 'metric and customMetric', doc: tel({ metrics: [{ overrides: [{ match: { metric: 'REQUEST_COUNT', customMetric: 'x' } }] }] }), path: 'spec.metrics[0].overrides[0].match.customMetric', message: /only one of metric or customMetric/ },
  { name: 'UPSERT without value', doc: tel({ metrics: [{ overrides: [{ tagOverrides: { foo: { operation: 'UPSERT' } } }] }] }), path: 'spec.metrics[0].overrides[0].tagOverrides.foo.value', message: /must be set when operation is UPSERT/ },
  { name: 'REMOVE with value', doc: tel({ metrics: [{ overrides: [{ tagOverrides: { foo: { operation: 'REMOVE', value: 'x' } } }] }] }), path: 'spec.metrics[0].overrides[0].tagOverrides.foo.value', message: /must not be set when operation is REMOVE/ },
  { name: 'reporting interval too small', doc: tel({ metrics: [{ reportingInterval: '0s' }] }), path: 'spec.metrics[0].reportingInterval', message: /at least 1ms/ },
  { name: 'bad filter expression', doc: tel({ accessLogging: [{ filter: { expression: 'response.code >= (400' } }] }), path: 'spec.accessLogging[0].filter.expression', message: /CEL/ },
  { name: 'disabled as a string', doc: tel({ accessLogging: [{ disabled: 'true' }] }), path: 'spec.accessLogging[0].disabled', message: /boolean/ },
  { name: 'selector and targetRef', doc: tel({ selector: { matchLabels: { app: 'a' } }, targetRef: { kind: 'Service', name: 'a' } }), path: 'spec.targetRef', message: /only one of selector, targetRef or targetRefs/ },
];

badDocumentTable(BAD);
