import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeDiscoveryRequest, encodeDiscoveryRequest, type DiscoveryRequestInit } from './discovery.js';
import { findMessageType } from './proto-root.js';
import { readAck, writeAck } from './request-wire.js';
import { TYPE_URL } from './type-urls.js';

const REQUEST = 'envoy.service.discovery.v3.DiscoveryRequest';

/** What protobufjs writes for the same message. */
function reference(r: DiscoveryRequestInit): Buffer {
  const type = findMessageType(REQUEST)!;
  return Buffer.from(type.encode(type.fromObject({ version_info: '', resource_names: [], response_nonce: '', ...r })).finish());
}

const eds = (n: number) => Object.freeze(Array.from({ length: n }, (_, i) => `outbound|80||svc-${i}.bench.svc.cluster.local`));

describe('DiscoveryRequest ACKs on the wire', () => {
  const cases: [string, DiscoveryRequestInit][] = [
    ['an EDS ACK with many names', { version_info: '2026-11-22T03:00:00Z/4', resource_names: [...eds(100)], type_url: TYPE_URL.CLUSTER_LOAD_ASSIGNMENT, response_nonce: 'a1b2' }],
    ['a first wildcard request', { type_url: TYPE_URL.CLUSTER }],
    ['names outside ASCII and a long nonce', { version_info: 'v', resource_names: ['ünïcode-路由', 'b'.repeat(300)], type_url: TYPE_URL.ROUTE_CONFIGURATION, response_nonce: 'n'.repeat(200) }],
  ];
  for (const [what, request] of cases) {
    it(`writes what protobufjs writes and reads it back: ${what}`, () => {
      const bytes = encodeDiscoveryRequest(request);
      assert.deepEqual(bytes, reference(request));
      const decoded = decodeDiscoveryRequest(bytes);
      assert.deepEqual(
        { ...decoded, resource_names: [...decoded.resource_names] },
        { version_info: request.version_info ?? '', resource_names: request.resource_names ?? [], type_url: request.type_url, response_nonce: request.response_nonce ?? '' },
      );
    });
  }

  it('hands back the same frozen names list for the same names, from any request', () => {
    const a = decodeDiscoveryRequest(reference({ version_info: 'v1', resource_names: [...eds(50)], type_url: TYPE_URL.CLUSTER_LOAD_ASSIGNMENT, response_nonce: 'x' }));
    const b = decodeDiscoveryRequest(reference({ version_info: 'v2', resource_names: [...eds(50)], type_url: TYPE_URL.CLUSTER_LOAD_ASSIGNMENT, response_nonce: 'y' }));
    assert.equal(a.resource_names, b.resource_names);
    assert.ok(Object.isFrozen(a.resource_names));
    const c = decodeDiscoveryRequest(reference({ version_info: 'v2', resource_names: [...eds(49)], type_url: TYPE_URL.CLUSTER_LOAD_ASSIGNMENT, response_nonce: 'y' }));
    assert.notEqual(c.resource_names, a.resource_names);
    assert.equal(c.resource_names.length, 49);
  });

  it('leaves requests with a node or an error_detail to the general codec', () => {
    const withNode = reference({ type_url: TYPE_URL.CLUSTER, node: { id: 'sidecar~1.2.3.4~a.ns~ns.svc.cluster.local' } } as DiscoveryRequestInit);
    assert.equal(readAck(withNode), undefined);
    assert.equal(decodeDiscoveryRequest(withNode).node?.id, 'sidecar~1.2.3.4~a.ns~ns.svc.cluster.local');
    const nack: DiscoveryRequestInit = { type_url: TYPE_URL.CLUSTER, response_nonce: 'n', error_detail: { code: 3, message: 'bad cluster' } };
    const bytes = encodeDiscoveryRequest(nack);
    assert.equal(readAck(bytes), undefined);
    assert.equal(decodeDiscoveryRequest(bytes).error_detail?.message, 'bad cluster');
  });

  it('reads names split by another field through the general codec, in order', () => {
    // protobufjs never writes this, but the wire allows it: name, type_url, name.
    const name = (s: string) => Buffer.concat([Buffer.from([(3 << 3) | 2, s.length]), Buffer.from(s)]);
    const typeUrl = Buffer.concat([Buffer.from([(4 << 3) | 2, TYPE_URL.CLUSTER.length]), Buffer.from(TYPE_URL.CLUSTER)]);
    const bytes = Buffer.concat([name('a'), typeUrl, name('b')]);
    assert.equal(readAck(bytes), undefined);
    assert.deepEqual([...decodeDiscoveryRequest(bytes).resource_names], ['a', 'b']);
  });

  it('rejects truncated bytes with the message type named', () => {
    const bytes = encodeDiscoveryRequest({ version_info: 'v1', resource_names: ['a'], type_url: TYPE_URL.CLUSTER, response_nonce: 'n' });
    assert.throws(() => decodeDiscoveryRequest(bytes.subarray(0, bytes.length - 2)), /DiscoveryRequest: (truncated varint|field \d+ runs past the end)/);
  });

  it('keeps the bytes of a frozen names list, and not of a list that can change', () => {
    const frozen = eds(3);
    const first = writeAck({ version_info: 'v', resource_names: frozen, type_url: TYPE_URL.CLUSTER_LOAD_ASSIGNMENT, response_nonce: '1' });
    assert.deepEqual(writeAck({ version_info: 'v', resource_names: frozen, type_url: TYPE_URL.CLUSTER_LOAD_ASSIGNMENT, response_nonce: '1' }), first);
    const open = ['a'];
    writeAck({ version_info: 'v', resource_names: open, type_url: TYPE_URL.CLUSTER, response_nonce: '' });
    open.push('b');
    assert.deepEqual([...decodeDiscoveryRequest(writeAck({ version_info: 'v', resource_names: open, type_url: TYPE_URL.CLUSTER, response_nonce: '' })).resource_names], ['a', 'b']);
  });
});
