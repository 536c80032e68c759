import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeDiscoveryResponse, encodeDiscoveryResponse, type DiscoveryResponse } from './discovery.js';
import { encodeResource } from './codec.js';
import { findMessageType } from './proto-root.js';
import { TYPE_URL } from './type-urls.js';
import type { PackedAny } from './json-types.js';

const pack = (name: string): PackedAny => ({ type_url: TYPE_URL.CLUSTER, value: encodeResource(TYPE_URL.CLUSTER, { name, type: 'EDS', connect_timeout: '1s' }) });

/** What protobufjs writes for the same message. */
function reference(r: DiscoveryResponse): Buffer {
  const type = findMessageType('envoy.service.discovery.v3.DiscoveryResponse')!;
  return Buffer.from(type.encode(type.fromObject({ ...r, resources: r.resources.map((a) => ({ type_url: a.type_url, value: a.value })) })).finish());
}

describe('DiscoveryResponse encoding', () => {
  const cases: [string, DiscoveryResponse][] = [
    ['several resources', { version_info: '2026-01-01T00:00:00.000Z/7', resources: [pack('a'), pack('b'.repeat(300))], type_url: TYPE_URL.CLUSTER, nonce: 'n-1', control_plane: { identifier: 'skiff' } }],
    ['no resources, empty strings, no control plane', { version_info: '', resources: [], type_url: TYPE_URL.CLUSTER, nonce: '' }],
    ['a resource over 16 KiB', { version_info: 'v', resources: [{ type_url: TYPE_URL.CLUSTER, value: new Uint8Array(20_000).fill(7) }], type_url: TYPE_URL.CLUSTER, nonce: 'x' }],
  ];
  for (const [what, response] of cases) {
    it(`writes what protobufjs writes: ${what}`, () => {
      assert.deepEqual(encodeDiscoveryResponse(response), reference(response));
    });
  }

  it('reuses a frozen list and re-encodes one that can change', () => {
    const frozen = Object.freeze([pack('a')]);
    const first = decodeDiscoveryResponse(encodeDiscoveryResponse({ version_info: 'v1', resources: frozen, type_url: TYPE_URL.CLUSTER, nonce: '1' }));
    const second = decodeDiscoveryResponse(encodeDiscoveryResponse({ version_info: 'v2', resources: frozen, type_url: TYPE_URL.CLUSTER, nonce: '2' }));
    assert.deepEqual([first.version_info, first.nonce, second.version_info, second.nonce], ['v1', '1', 'v2', '2']);
    assert.deepEqual(second.resources.map((r) => Buffer.from(r.value)), [Buffer.from(frozen[0]!.value)]);

    const open = [pack('a')];
    encodeDiscoveryResponse({ version_info: 'v1', resources: open, type_url: TYPE_URL.CLUSTER, nonce: '1' });
    open.push(pack('b'));
    assert.equal(decodeDiscoveryResponse(encodeDiscoveryResponse({ version_info: 'v1', resources: open, type_url: TYPE_URL.CLUSTER, nonce: '1' })).resources.length, 2);
  });

  it('names a resource that is not a packed Any', () => {
    assert.throws(() => encodeDiscoveryResponse({ version_info: '', resources: [{ type_url: TYPE_URL.CLUSTER } as PackedAny], type_url: TYPE_URL.CLUSTER, nonce: '' }), /resources\[0\].*packed Any/);
  });
});
