import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeMessage, decodeResource, encodeMessage, encodeResource, packAny, unpackAny, validateResource } from './codec.js';
import { XdsCodecError } from './codec-error.js';
import { findMessageType } from './proto-root.js';
import { TYPE_URL } from './type-urls.js';
import * as istio from './testdata/istio-resources.js';

function roundTrip(typeUrl: string, obj: object): unknown {
  return decodeResource(typeUrl, encodeResource(typeUrl, obj));
}

function codecError(run: () => unknown): XdsCodecError {
  try {
    run();
  } catch (e) {
    assert.ok(e instanceof XdsCodecError, `expected XdsCodecError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected an error');
}

test('Istio-shaped resources round-trip unchanged', () => {
  const cases: [string, string, object][] = [
    ['outbound HTTP listener', TYPE_URL.LISTENER, istio.outboundHttpListener],
    ['virtualOutbound listener', TYPE_URL.LISTENER, istio.virtualOutboundListener],
    ['inbound mTLS listener', TYPE_URL.LISTENER, istio.inboundMtlsListener],
    ['route configuration', TYPE_URL.ROUTE_CONFIGURATION, istio.routeConfiguration],
    ['outbound EDS cluster', TYPE_URL.CLUSTER, istio.outboundCluster],
    ['ring hash cluster', TYPE_URL.CLUSTER, istio.ringHashCluster],
    ['cluster load assignment', TYPE_URL.CLUSTER_LOAD_ASSIGNMENT, istio.clusterLoadAssignment],
    ['secret', TYPE_URL.SECRET, istio.secret],
  ];
  for (const [what, typeUrl, obj] of cases) {
    assert.deepStrictEqual(roundTrip(typeUrl, obj), obj, what);
  }
});

test('encoded bytes read back through protobufjs with the expected wire values', () => {
  const bytes = encodeResource(TYPE_URL.CLUSTER, istio.ringHashCluster);
  const type = findMessageType('envoy.config.cluster.v3.Cluster')!;
  const plain = type.toObject(type.decode(bytes), { longs: String, enums: String }) as Record<string, any>;
  assert.equal(plain['name'], 'outbound|9080||ratings.default.svc.cluster.local');
  assert.equal(plain['lb_policy'], 'RING_HASH');
  assert.equal(plain['connect_timeout'].nanos, 250_000_000);
  assert.equal(plain['ring_hash_lb_config'].maximum_ring_size.value, '8388608');
  assert.equal(plain['load_balancing_policy'].policies[0].typed_extension_config.typed_config.type_url, TYPE_URL.MAGLEV);
});

test('lowerCamelCase input decodes to snake_case output, defaults dropped', () => {
  const decoded = roundTrip(TYPE_URL.CLUSTER, {
    name: 'c',
    connectTimeout: '1.5s',
    lbPolicy: 'ROUND_ROBIN', // the default enum value: left out
    edsClusterConfig: { serviceName: '' }, // default string inside a present message
    perConnectionBufferLimitBytes: 0, // a wrapper keeps its zero
    circuitBreakers: { thresholds: [{ maxRetries: 3 }] },
  });
  assert.deepStrictEqual(decoded, {
    name: 'c',
    connect_timeout: '1.500s',
    eds_cluster_config: {},
    per_connection_buffer_limit_bytes: 0,
    circuit_breakers: { thresholds: [{ max_retries: 3 }] },
  });
});

test('well-known types print in their proto3 JSON forms', () => {
  const route = decodeResource(TYPE_URL.ROUTE_CONFIGURATION, encodeResource(TYPE_URL.ROUTE_CONFIGURATION, {
    name: 'r',
    virtual_hosts: [{
      name: 'v', domains: ['*'],
      routes: [{ match: { prefix: '/' }, route: { cluster: 'c', timeout: '0.000001s', idle_timeout: '-1.5s' }, metadata: { filter_metadata: { x: { n: 1.5, b: false, s: 's', l: [1, 'a', null], o: {} } } } }],
    }],
  })) as any;
  const r = route.virtual_hosts[0].routes[0];
  assert.equal(r.route.timeout, '0.000001s');
  assert.equal(r.route.idle_timeout, '-1.500s');
  assert.deepStrictEqual(r.metadata.filter_metadata.x, { n: 1.5, b: false, s: 's', l: [1, 'a', null], o: {} });

  const ts = decodeMessage('google.protobuf.Timestamp', encodeMessage('google.protobuf.Timestamp', '2024-02-29T23:59:59.123+01:00'));
  assert.equal(ts, '2024-02-29T22:59:59.123Z');
  assert.equal(decodeMessage('google.protobuf.FieldMask', encodeMessage('google.protobuf.FieldMask', 'routeConfig.name,statPrefix')), 'routeConfig.name,statPrefix');
  assert.equal(decodeMessage('google.protobuf.UInt64Value', encodeMessage('google.protobuf.UInt64Value', '18446744073709551615')), '18446744073709551615');
  assert.equal(decodeMessage('google.protobuf.Int64Value', encodeMessage('google.protobuf.Int64Value', -42)), '-42');
  assert.equal(decodeMessage('google.protobuf.FloatValue', encodeMessage('google.protobuf.FloatValue', 0.1)), 0.1);
  assert.equal(decodeMessage('google.protobuf.DoubleValue', encodeMessage('google.protobuf.DoubleValue', 'Infinity')), 'Infinity');
  assert.equal(decodeMessage('google.protobuf.BytesValue', encodeMessage('google.protobuf.BytesValue', 'aGk=')), 'aGk=');
});

test('bytes accept base64, url-safe base64 and Buffers', () => {
  const a = decodeResource(TYPE_URL.SECRET, encodeResource(TYPE_URL.SECRET, { name: 's', generic_secret: { secret: { inline_bytes: '-_8' } } })) as any;
  assert.equal(a.generic_secret.secret.inline_bytes, '+/8=');
  const b = decodeResource(TYPE_URL.SECRET, encodeResource(TYPE_URL.SECRET, { name: 's', generic_secret: { secret: { inline_bytes: Buffer.from([1, 2, 3]) } } })) as any;
  assert.equal(b.generic_secret.secret.inline_bytes, 'AQID');
});

test('enums accept numbers; unknown numbers print as numbers', () => {
  const decoded = roundTrip(TYPE_URL.CLUSTER, { name: 'c', lb_policy: 5, type: 42 }) as any;
  assert.equal(decoded.lb_policy, 'MAGLEV');
  assert.equal(decoded.type, 42);
});

test('Any: packAny/unpackAny, nested Any, Any holding a well-known type, @type on the resource', () => {
  const fault = { '@type': TYPE_URL.HTTP_FAULT, abort: { http_status: 503, percentage: { numerator: 5 } } };
  const packed = packAny(fault);
  assert.equal(packed.type_url, TYPE_URL.HTTP_FAULT);
  assert.ok(packed.value instanceof Uint8Array && packed.value.length > 0);
  assert.deepStrictEqual(unpackAny(packed), fault);

  const wkt = { '@type': 'type.googleapis.com/google.protobuf.Duration', value: '3s' };
  assert.deepStrictEqual(unpackAny(packAny(wkt)), wkt);
  const structAny = { '@type': TYPE_URL.STRUCT, value: { a: [1, { b: 'c' }] } };
  assert.deepStrictEqual(unpackAny(packAny(structAny)), structAny);

  // an already-packed Any passes through encoding untouched
  const listener = { name: 'l', listener_filters: [{ name: 'f', typed_config: packAny({ '@type': TYPE_URL.TLS_INSPECTOR }) }] };
  assert.deepStrictEqual(roundTrip(TYPE_URL.LISTENER, listener), { name: 'l', listener_filters: [{ name: 'f', typed_config: { '@type': TYPE_URL.TLS_INSPECTOR } }] });

  // config_dump entries carry @type; a matching one is accepted, a different one is an error
  assert.deepStrictEqual(roundTrip(TYPE_URL.CLUSTER, { '@type': TYPE_URL.CLUSTER, name: 'c' }), { name: 'c' });
  const e = codecError(() => encodeResource(TYPE_URL.CLUSTER, { '@type': TYPE_URL.LISTENER, name: 'c' }));
  assert.equal(e.path, '@type');
});

test('errors name the message type and field path', () => {
  const cases: [object, string, RegExp][] = [
    [{ name: 7 }, 'name', /expected a string, got number 7/],
    [{ nmae: 'x' }, 'nmae', /unknown field in envoy\.config\.cluster\.v3\.Cluster/],
    [{ connect_timout: '1s' }, 'connect_timout', /unknown field/],
    [{ lbpolicy: 'RANDOM' }, 'lbpolicy', /did you mean "lb_policy"/],
    [{ lb_policy: 'FASTEST' }, 'lb_policy', /unknown LbPolicy value "FASTEST"/],
    [{ connect_timeout: 10 }, 'connect_timeout', /expected a duration such as "10s"/],
    [{ connect_timeout: '10' }, 'connect_timeout', /expected a duration/],
    [{ circuit_breakers: { thresholds: [{}, { max_connections: -1 }] } }, 'circuit_breakers.thresholds[1].max_connections', /out of range for uint32/],
    [{ circuit_breakers: { thresholds: {} } }, 'circuit_breakers.thresholds', /expected an array, got an object/],
    [{ eds_cluster_config: { eds_config: { ads: {}, path: '/x' } } }, 'eds_cluster_config.eds_config.path', /oneof config_source_specifier/],
    [{ name: 'a', connectTimeout: '1s', connect_timeout: '2s' }, 'connect_timeout', /given twice/],
    [{ transport_socket: { name: 't', typed_config: { '@type': 'type.googleapis.com/acme.Widget' } } }, 'transport_socket.typed_config.@type', /unknown type URL type\.googleapis\.com\/acme\.Widget/],
    [{ transport_socket: { name: 't', typed_config: { sni: 'x' } } }, 'transport_socket.typed_config', /needs "@type"/],
    [{ transport_socket: { name: 't', typed_config: { '@type': TYPE_URL.UPSTREAM_TLS_CONTEXT, sni: 5 } } }, 'transport_socket.typed_config.sni', /expected a string/],
    [{ metadata: { filter_metadata: { istio: 'x' } } }, 'metadata.filter_metadata.istio', /expected a JSON object/],
    [{ ring_hash_lb_config: { minimum_ring_size: 1.5 } }, 'ring_hash_lb_config.minimum_ring_size', /expected an integer \(uint64\)/],
    [{ ring_hash_lb_config: { minimum_ring_size: '18446744073709551616' } }, 'ring_hash_lb_config.minimum_ring_size', /out of range/],
    [{ respect_dns_ttl: 'yes' }, 'respect_dns_ttl', /expected true or false/],
    [{ '@type': 'x' }, '@type', /is "x"/],
  ];
  for (const [obj, path, message] of cases) {
    const e = codecError(() => encodeResource(TYPE_URL.CLUSTER, obj));
    assert.equal(e.path, path, `path for ${JSON.stringify(obj)}`);
    assert.match(e.message, message);
    assert.match(e.message, /^envoy\.config\.cluster\.v3\.Cluster /);
  }
  assert.equal(validateResource(TYPE_URL.CLUSTER, { name: 'ok' }).ok, true);
  const invalid = validateResource(TYPE_URL.CLUSTER, { name: 1 });
  assert.ok(!invalid.ok && invalid.error.path === 'name');
});

test('decode rejects malformed bytes and unloaded Any types with a clear error', () => {
  const e1 = codecError(() => decodeResource(TYPE_URL.CLUSTER, Buffer.from([0xba, 0x01, 0x05, 0x61])));
  assert.match(e1.message, /cannot decode envoy\.config\.cluster\.v3\.Cluster/);
  const anyType = findMessageType('google.protobuf.Any')!;
  const cluster = findMessageType('envoy.config.cluster.v3.Cluster')!;
  const withUnknownAny = cluster.encode({ name: 'c', transport_socket: { name: 't', typed_config: anyType.create({ type_url: 'type.googleapis.com/acme.Widget', value: Buffer.from([8, 1]) }) } }).finish();
  const e2 = codecError(() => decodeResource(TYPE_URL.CLUSTER, withUnknownAny));
  assert.equal(e2.path, 'transport_socket.typed_config.@type');
  assert.match(e2.message, /acme\.Widget/);
  assert.throws(() => encodeResource('type.googleapis.com/acme.Widget', {}), /unknown message type acme\.Widget/);
});

test('maps keyed by integers round-trip (CEL checked expressions inside RBAC conditions)', () => {
  const rbac = {
    '@type': TYPE_URL.HTTP_RBAC,
    rules: {
      policies: {
        p: {
          permissions: [{ any: true }],
          principals: [{ any: true }],
          checked_condition: { reference_map: { '1': { name: 'request.path' }, '9007199254740993': { name: 'x' } }, expr: { id: '1', ident_expr: { name: 'request' } } },
        },
      },
    },
  };
  assert.deepStrictEqual(unpackAny(packAny(rbac)), rbac);
  const e = codecError(() => packAny({ ...rbac, rules: { policies: { p: { checked_condition: { reference_map: { one: { name: 'x' } } } } } } }));
  assert.equal(e.path, 'rules.policies.p.checked_condition.reference_map.one');
});
