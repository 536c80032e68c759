import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TYPE_URL, packAny, unpackAny } from '../../xds/index.js';
import { EncodedResourceCache } from './ads-resource-cache.js';

const cluster = () => ({ name: 'outbound|9080||reviews.default.svc.cluster.local', connect_timeout: '10s' });

test('equal resources are encoded once, across proxies and the next push', () => {
  const cache = new EncodedResourceCache();
  const a = cache.pack(TYPE_URL.CLUSTER, cluster());
  assert.equal(cache.pack(TYPE_URL.CLUSTER, cluster()), a, 'equal content built separately');
  assert.deepStrictEqual(unpackAny(a), { '@type': TYPE_URL.CLUSTER, ...cluster() });
  cache.rotate();
  assert.equal(cache.pack(TYPE_URL.CLUSTER, cluster()), a, 'still cached one push later');
  cache.rotate();
  cache.rotate();
  assert.notEqual(cache.pack(TYPE_URL.CLUSTER, cluster()), a, 'dropped after two pushes without use');
  assert.notEqual(cache.pack(TYPE_URL.CLUSTER, { ...cluster(), connect_timeout: '1s' }), a);
});

test('packed resources pass through; a wrong type or a bad field is an error', () => {
  const cache = new EncodedResourceCache();
  const packed = packAny({ '@type': TYPE_URL.CLUSTER, name: 'c' });
  assert.equal(cache.pack(TYPE_URL.CLUSTER, packed), packed);
  assert.throws(() => cache.pack(TYPE_URL.LISTENER, packed), /is packed as type\.googleapis\.com\/envoy\.config\.cluster\.v3\.Cluster/);
  assert.throws(() => cache.pack(TYPE_URL.CLUSTER, { name: 'c', connect_timeout: 5 }), /connect_timeout: expected a duration/);
});
