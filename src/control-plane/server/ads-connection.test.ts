import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TYPE_URL, type DiscoveryRequest } from '../../xds/index.js';
import { parseNodeId } from '../model/proxy.js';
import { AdsConnection } from './ads-connection.js';
import { formatPrometheus, AdsMetrics } from './ads-metrics.js';
import type { AdsServerStream } from '../../xds/index.js';

const ID = 'sidecar~10.0.0.1~productpage-v1-abc.default~default.svc.cluster.local';

function connection(): AdsConnection {
  const proxy = { connectionId: `${ID}-1`, nodeId: ID, node: { id: ID }, parsed: parseNodeId(ID), metadata: {}, peer: 'test', connectedAt: new Date(0) };
  return new AdsConnection(proxy, {} as AdsServerStream);
}

function req(type_url: string, fields: Partial<DiscoveryRequest> = {}): DiscoveryRequest {
  return { version_info: '', resource_names: [], type_url, response_nonce: '', ...fields };
}

test('wildcard for LDS/CDS with empty names, named for EDS/RDS; "*" is wildcard anywhere', () => {
  const c = connection();
  assert.deepStrictEqual(c.handleRequest(req(TYPE_URL.LISTENER)), { kind: 'respond', reason: 'new' });
  assert.equal(c.watches.get(TYPE_URL.LISTENER)!.wildcard, true);
  c.handleRequest(req(TYPE_URL.CLUSTER_LOAD_ASSIGNMENT, { resource_names: ['b', 'a', 'b'] }));
  const eds = c.watches.get(TYPE_URL.CLUSTER_LOAD_ASSIGNMENT)!;
  assert.equal(eds.wildcard, false);
  assert.deepStrictEqual(eds.names, ['a', 'b']);
  c.handleRequest(req(TYPE_URL.SECRET, { resource_names: ['*'] }));
  assert.equal(c.watches.get(TYPE_URL.SECRET)!.wildcard, true);
  // names on a CDS request make a named watch, as proxyless gRPC clients send them
  c.handleRequest(req(TYPE_URL.CLUSTER, { resource_names: ['reviews.default.svc.cluster.local:9080'] }));
  assert.equal(c.watches.get(TYPE_URL.CLUSTER)!.wildcard, false);
});

test('ACK, names change, expired nonce, NACK and reconnect decisions', () => {
  const c = connection();
  const t = TYPE_URL.CLUSTER_LOAD_ASSIGNMENT;
  c.handleRequest(req(t, { resource_names: ['a'] }));
  c.recordSent(t, 'n1', 'v1', 'd1', 1);
  assert.deepStrictEqual(c.handleRequest(req(t, { resource_names: ['a'], response_nonce: 'n1', version_info: 'v1' })), { kind: 'ack', nonce: 'n1' });
  assert.equal(c.watches.get(t)!.versionAcked, 'v1');
  assert.deepStrictEqual(c.handleRequest(req(t, { resource_names: ['a', 'b'], response_nonce: 'n1', version_info: 'v1' })), { kind: 'respond', reason: 'names changed' });
  c.recordSent(t, 'n2', 'v1', 'd2', 2);
  assert.deepStrictEqual(c.handleRequest(req(t, { resource_names: ['a'], response_nonce: 'n1', version_info: 'v1' })), { kind: 'stale', nonce: 'n1', expected: 'n2' });
  assert.deepStrictEqual(c.watches.get(t)!.names, ['a', 'b'], 'an expired request changes nothing');
  const nack = c.handleRequest(req(t, { resource_names: ['a', 'b'], response_nonce: 'n2', version_info: 'v1', error_detail: { code: 13, message: 'bad' } }));
  assert.equal(nack.kind, 'nack');
  assert.equal(c.watches.get(t)!.lastNack?.message, 'bad');
  assert.equal(c.watches.get(t)!.versionAcked, 'v1');
  // names only removed from an EDS watch: acknowledged without a response, as Istio does
  c.recordSent(t, 'n3', 'v1', 'd3', 2);
  assert.deepStrictEqual(c.handleRequest(req(t, { resource_names: ['b'], response_nonce: 'n3', version_info: 'v1' })), { kind: 'ack', nonce: 'n3' });
  assert.deepStrictEqual(c.watches.get(t)!.names, ['b']);
  // a removed and an added name is a change that needs the added resource
  assert.deepStrictEqual(c.handleRequest(req(t, { resource_names: ['c'], response_nonce: 'n3', version_info: 'v1' })), { kind: 'respond', reason: 'names changed' });
  c.recordSent(t, 'n2', 'v1', 'd2', 1);
  // a wildcard-capable type (CDS) answers a shrink with the smaller state of the world
  c.handleRequest(req(TYPE_URL.CLUSTER, { resource_names: ['x', 'y'] }));
  c.recordSent(TYPE_URL.CLUSTER, 'c1', 'v1', 'dc', 2);
  assert.deepStrictEqual(c.handleRequest(req(TYPE_URL.CLUSTER, { resource_names: ['x'], response_nonce: 'c1', version_info: 'v1' })), { kind: 'respond', reason: 'names changed' });
  // unsubscribing everything is acknowledged without a response
  assert.deepStrictEqual(c.handleRequest(req(t, { response_nonce: 'n2', version_info: 'v1' })), { kind: 'ack', nonce: 'n2' });

  const fresh = connection();
  assert.deepStrictEqual(fresh.handleRequest(req(TYPE_URL.CLUSTER, { response_nonce: 'old', version_info: 'v9' })), { kind: 'respond', reason: 'reconnect' });
  assert.equal(fresh.watches.get(TYPE_URL.CLUSTER)!.versionAcked, 'v9');
});

test('convergence rounds settle when every response of a push is accepted', () => {
  const c = connection();
  c.trackPush({ startedAt: 100, pending: new Set(['a', 'b']) });
  c.trackPush({ startedAt: 200, pending: new Set(['c']) });
  assert.equal(c.settle('a', true), undefined);
  assert.equal(c.settle('c', true), 200);
  assert.equal(c.settle('b', false), undefined, 'a rejected response means the push never converged');
  assert.equal(c.convergence.length, 0);
});

test('metrics format as Prometheus text', () => {
  const m = new AdsMetrics();
  m.countPush('cds');
  m.countPush('cds');
  m.countReject('lds');
  m.connected = 2;
  m.observeConvergence(0.05);
  m.observeConvergence(2);
  const text = formatPrometheus(m.snapshot());
  assert.match(text, /^# TYPE pilot_xds_pushes counter$/m);
  assert.match(text, /^pilot_xds_pushes\{type="cds"\} 2$/m);
  assert.match(text, /^pilot_total_xds_rejects\{type="lds"\} 1$/m);
  assert.match(text, /^pilot_xds 2$/m);
  assert.match(text, /^pilot_proxy_convergence_time_bucket\{le="0.1"\} 1$/m);
  assert.match(text, /^pilot_proxy_convergence_time_bucket\{le="3"\} 2$/m);
  assert.match(text, /^pilot_proxy_convergence_time_bucket\{le="\+Inf"\} 2$/m);
  assert.match(text, /^pilot_proxy_convergence_time_sum 2.05$/m);
  assert.match(text, /^pilot_proxy_convergence_time_count 2$/m);
});

test('merged push requests are full when either is, with every reason', async () => {
  const { mergePushRequests } = await import('./ads-server.js');
  const merged = mergePushRequests(
    { full: true, reasons: new Set(['config']), configsUpdated: new Set(['VirtualService default/reviews']), workloadsUpdated: new Set() },
    { full: false, reasons: new Set(['endpoint']), configsUpdated: new Set(), workloadsUpdated: new Set(['default/reviews-v1']) },
  );
  assert.equal(merged.full, true);
  assert.deepStrictEqual([...merged.reasons].sort(), ['config', 'endpoint']);
  assert.deepStrictEqual([...merged.configsUpdated], ['VirtualService default/reviews']);
  assert.deepStrictEqual([...merged.workloadsUpdated], ['default/reviews-v1']);
});
