import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MetadataExchange, workloadName } from './metadata-exchange.js';
import type { HeaderMap } from '../config/request-view.js';

test('the workload name comes from WORKLOAD_NAME, the deployment label, or the pod name', () => {
  assert.equal(workloadName({ WORKLOAD_NAME: 'reviews-v1' }, undefined), 'reviews-v1');
  assert.equal(workloadName({ LABELS: { 'skiff.io/deployment': 'ratings-v1' } }, 'ratings-v1-abcde12345-xyz12'), 'ratings-v1');
  assert.equal(workloadName({}, 'productpage-v1-h2n4snckq4-f26c9'), 'productpage-v1');
  assert.equal(workloadName({ POD_NAME: 'details-v1-26jpfkvk87-72r6s' }, undefined), 'details-v1');
  assert.equal(workloadName({}, 'standalone'), 'standalone');
});

test('exchange headers round-trip and are removed when read', () => {
  const mx = new MetadataExchange('sidecar~127.0.0.1~reviews-v2-aaaaa11111-bbbbb.default~default.svc.cluster.local', { NAMESPACE: 'default', LABELS: { app: 'reviews', version: 'v2' } });
  const headers: HeaderMap = {};
  mx.announce(headers);
  const peer = mx.take(headers);
  assert.deepEqual({ ...peer, key: undefined }, { workload: 'reviews-v2', namespace: 'default', app: 'reviews', version: 'v2', cluster: 'Kubernetes', key: undefined });
  assert.deepEqual(headers, {});
  assert.equal(mx.take({ 'x-envoy-peer-metadata': '!!not base64 protobuf' }), undefined);
});
