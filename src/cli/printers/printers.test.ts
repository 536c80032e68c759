import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveKindName } from '../../config/kinds.js';
import type { Resource } from '../../config/resource.js';
import { age, humanDuration } from './age.js';
import { asList, toJson, toYaml } from './object-printer.js';
import { resourceTable } from './resource-table.js';
import { formatTable } from './table.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

test('AGE reads as kubectl prints it', () => {
  const cases: [number, string][] = [
    [0, '0s'], [45 * S, '45s'], [119 * S, '119s'], [2 * M, '2m'], [5 * M + 12 * S, '5m12s'], [10 * M + 5 * S, '10m'],
    [179 * M, '179m'], [3 * H, '3h'], [3 * H + 20 * M, '3h20m'], [8 * H + 20 * M, '8h'], [47 * H, '47h'], [2 * D, '2d'],
    [2 * D + 5 * H, '2d5h'], [9 * D + 5 * H, '9d'], [800 * D, '2y70d'], [9 * 365 * D, '9y'], [-500, '0s'], [-5 * S, '<invalid>'],
  ];
  for (const [ms, want] of cases) assert.equal(humanDuration(ms), want, `${ms}ms`);
  assert.equal(age('2024-01-01T00:00:00Z', Date.parse('2024-01-01T00:05:12Z')), '5m12s');
  assert.equal(age(undefined, 0), '<unknown>');
});

test('tables are left-aligned with 3 spaces after the widest cell and an unpadded last column', () => {
  const out = formatTable(['NAME', 'HOST', 'AGE'], [['reviews', 'reviews', '5s'], ['productpage', 'productpage.default.svc.cluster.local', '12m']]);
  assert.equal(out,
    'NAME          HOST                                    AGE\n' +
    'reviews       reviews                                 5s\n' +
    'productpage   productpage.default.svc.cluster.local   12m\n');
  // Go's tabwriter minimum cell width (6) applies to narrow columns.
  assert.equal(formatTable(['A', 'B'], [['x', 'y']]), 'A     B\nx     y\n');
  assert.equal(formatTable(['NAME', 'NOTE'], [['a', 'two\nlines']]), 'NAME   NOTE\na      two...\n');
});

const now = Date.parse('2024-05-01T12:00:00Z');
const created = '2024-05-01T11:59:15Z';

function vs(name: string, spec: Record<string, unknown>, namespace = 'default'): Resource {
  return { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name, namespace, creationTimestamp: created }, spec };
}

test('VirtualService columns print lists as JSON and a missing list as an empty cell', () => {
  const info = resolveKindName('vs')!;
  const out = resourceTable(info, [vs('bookinfo', { hosts: ['*'], gateways: ['bookinfo-gateway'] }), vs('reviews', { hosts: ['reviews'] })],
    { withNamespace: false, withKind: false, wide: false, now });
  assert.equal(out,
    'NAME       GATEWAYS               HOSTS         AGE\n' +
    'bookinfo   ["bookinfo-gateway"]   ["*"]         45s\n' +
    'reviews                           ["reviews"]   45s\n');
});

test('-A adds NAMESPACE first; several kinds qualify NAME with kind.group', () => {
  const info = resolveKindName('dr')!;
  const dr: Resource = { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'reviews', namespace: 'bookinfo', creationTimestamp: created }, spec: { host: 'reviews' } };
  assert.equal(resourceTable(info, [dr], { withNamespace: true, withKind: true, wide: false, now }),
    'NAMESPACE   NAME                                          HOST      AGE\n' +
    'bookinfo    destinationrule.networking.istio.io/reviews   reviews   45s\n');
});

test('core kinds: Service, Deployment, Pod, Namespace, ServiceAccount columns', () => {
  const svc: Resource = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'reviews', creationTimestamp: created }, spec: { ports: [{ port: 9080, name: 'http' }, { port: 80, nodePort: 31380, protocol: 'TCP' }], selector: { version: 'v1', app: 'reviews' }, clusterIP: '10.0.0.7' } };
  assert.equal(resourceTable(resolveKindName('svc')!, [svc], { withNamespace: false, withKind: false, wide: true, now }),
    'NAME      TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)                 AGE   SELECTOR\n' +
    'reviews   ClusterIP   10.0.0.7     <none>        9080/TCP,80:31380/TCP   45s   app=reviews,version=v1\n');
  const deploy: Resource = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'reviews-v1', creationTimestamp: created }, spec: { replicas: 2 } };
  assert.equal(resourceTable(resolveKindName('deploy')!, [deploy], { withNamespace: false, withKind: false, wide: false, now }),
    'NAME         READY   UP-TO-DATE   AVAILABLE   AGE\nreviews-v1   0/2     0            0           45s\n');
  const pod: Resource = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'reviews-v1-abc', creationTimestamp: created }, spec: { containers: [{ name: 'reviews' }, { name: 'istio-proxy' }] }, status: { phase: 'Running', podIP: '127.0.0.1', containerStatuses: [{ ready: true, restartCount: 1, state: { running: {} } }, { ready: true, restartCount: 0, state: { running: {} } }] } };
  assert.equal(resourceTable(resolveKindName('po')!, [pod], { withNamespace: false, withKind: false, wide: false, now }),
    'NAME             READY   STATUS    RESTARTS   AGE\nreviews-v1-abc   2/2     Running   1          45s\n');
  const ns: Resource = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bookinfo', creationTimestamp: created } };
  assert.equal(resourceTable(resolveKindName('ns')!, [ns], { withNamespace: false, withKind: false, wide: false, now }),
    'NAME       STATUS   AGE\nbookinfo   Active   45s\n');
  const sa: Resource = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'bookinfo-reviews', creationTimestamp: created } };
  assert.equal(resourceTable(resolveKindName('sa')!, [sa], { withNamespace: false, withKind: false, wide: false, now }),
    'NAME               SECRETS   AGE\nbookinfo-reviews   0         45s\n');
});

test('-o yaml sorts keys, does not indent sequences and quotes as go-yaml does', () => {
  const obj = vs('reviews', { hosts: ['*', 'reviews'], http: [{ route: [{ destination: { host: 'reviews', port: { number: 9080 } } }] }] });
  obj.metadata.resourceVersion = '12';
  obj.metadata.labels = { version: 'v1', enabled: 'true' };
  assert.equal(toYaml(obj),
    'apiVersion: networking.istio.io/v1\n' +
    'kind: VirtualService\n' +
    'metadata:\n' +
    '  creationTimestamp: "2024-05-01T11:59:15Z"\n' +
    '  labels:\n' +
    '    enabled: "true"\n' +
    '    version: v1\n' +
    '  name: reviews\n' +
    '  namespace: default\n' +
    '  resourceVersion: "12"\n' +
    'spec:\n' +
    '  hosts:\n' +
    "  - '*'\n" +
    '  - reviews\n' +
    '  http:\n' +
    '  - route:\n' +
    '    - destination:\n' +
    '        host: reviews\n' +
    '        port:\n' +
    '          number: 9080\n');
});

test('-o json indents by 4, sorts keys and escapes HTML characters as encoding/json does', () => {
  assert.equal(toJson({ b: '<a&b>', a: [1] }), '{\n    "a": [\n        1\n    ],\n    "b": "\\u003ca\\u0026b\\u003e"\n}\n');
  const list = asList([]);
  assert.equal(toYaml(list), 'apiVersion: v1\nitems: []\nkind: List\nmetadata:\n  resourceVersion: ""\n');
});
