import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeMessage, encodeMessage } from '../../xds/codec.js';
import { decodeStruct, encodeStruct } from './struct-codec.js';

const METADATA = {
  NAMESPACE: 'default',
  LABELS: { app: 'reviews', version: 'v2', 'security.istio.io/tlsMode': 'istio' },
  WORKLOAD_NAME: 'reviews-v2',
  ISTIO_VERSION: '1.24.0',
  PORTS: [9080, 15090.5, -1],
  MESH: null,
  ENABLED: true,
  DISABLED: false,
  EMPTY: {},
  NESTED: [[], [{ a: 'b' }], 'ünïcode ✓'],
};

test('Struct bytes decode with the protobufjs codec to the same JSON, and back', () => {
  const ours = encodeStruct(METADATA);
  assert.deepEqual(decodeMessage('google.protobuf.Struct', ours), METADATA);
  assert.deepEqual(decodeStruct(encodeMessage('google.protobuf.Struct', METADATA)), METADATA);
  assert.deepEqual(decodeStruct(ours), METADATA);
});

test('undefined members are left out; values a Struct cannot hold are an error naming the field', () => {
  assert.deepEqual(decodeStruct(encodeStruct({ a: undefined, b: 'x' })), { b: 'x' });
  assert.throws(() => encodeStruct({ LABELS: { app: () => 1 } }), /LABELS\.app: a function cannot be sent/);
  assert.throws(() => encodeStruct({ PORTS: [1, 2n] }), /PORTS\[1\]: a bigint cannot be sent/);
});

test('malformed or hostile bytes are refused, not crashed on', () => {
  const good = encodeStruct({ NAMESPACE: 'default' });
  assert.throws(() => decodeStruct(good.subarray(0, good.length - 2)), /truncated/);
  // A Value nested in ListValues far deeper than any metadata: refused before the stack runs out.
  let value = Buffer.from([0x1a, 0x01, 0x78]); // string_value "x"
  for (let i = 0; i < 200; i++) {
    const list = Buffer.concat([Buffer.from([0x0a]), varint(value.length), value]); // ListValue.values
    value = Buffer.concat([Buffer.from([0x32]), varint(list.length), list]); // Value.list_value
  }
  const entry = Buffer.concat([Buffer.from([0x0a, 0x01, 0x6b, 0x12]), varint(value.length), value]);
  const struct = Buffer.concat([Buffer.from([0x0a]), varint(entry.length), entry]);
  assert.throws(() => decodeStruct(struct), /nested deeper than 64/);
});

function varint(n: number): Buffer {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return Buffer.from(out);
}
