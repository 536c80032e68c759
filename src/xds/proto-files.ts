// Which Envoy v3 protos Skiff loads, and where they live. Only the files Istio-style translation
// emits and the proxy understands are listed: their imports (core, matchers, type, udpa/xds
// annotations, validate) come along by themselves. Loading the whole Envoy API would take seconds.

import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Proto files loaded into the shared root, relative to the include directories. */
export const ENVOY_PROTO_FILES: readonly string[] = [
  // ADS and the four resource kinds (+ SDS secrets)
  'envoy/service/discovery/v3/ads.proto',
  'envoy/service/discovery/v3/discovery.proto',
  'envoy/config/listener/v3/listener.proto',
  'envoy/config/route/v3/route.proto',
  'envoy/config/cluster/v3/cluster.proto',
  'envoy/config/endpoint/v3/endpoint.proto',
  'envoy/extensions/transport_sockets/tls/v3/tls.proto',
  'envoy/extensions/transport_sockets/tls/v3/secret.proto',
  'envoy/extensions/transport_sockets/raw_buffer/v3/raw_buffer.proto',
  // network filters
  'envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto',
  'envoy/extensions/filters/network/tcp_proxy/v3/tcp_proxy.proto',
  'envoy/extensions/filters/network/rbac/v3/rbac.proto',
  // http filters
  'envoy/extensions/filters/http/router/v3/router.proto',
  'envoy/extensions/filters/http/fault/v3/fault.proto',
  'envoy/extensions/filters/http/rbac/v3/rbac.proto',
  'envoy/extensions/filters/http/jwt_authn/v3/config.proto',
  'envoy/extensions/filters/http/cors/v3/cors.proto',
  'envoy/extensions/filters/http/local_ratelimit/v3/local_rate_limit.proto',
  'envoy/extensions/filters/http/grpc_stats/v3/config.proto',
  // retry host predicate Istio sets on every retry policy
  'envoy/extensions/retry/host/previous_hosts/v3/previous_hosts.proto',
  // listener filters
  'envoy/extensions/filters/listener/tls_inspector/v3/tls_inspector.proto',
  'envoy/extensions/filters/listener/http_inspector/v3/http_inspector.proto',
  'envoy/extensions/filters/listener/original_dst/v3/original_dst.proto',
  // load balancing policies (Cluster.load_balancing_policy typed configs)
  'envoy/extensions/load_balancing_policies/ring_hash/v3/ring_hash.proto',
  'envoy/extensions/load_balancing_policies/maglev/v3/maglev.proto',
  'envoy/extensions/load_balancing_policies/least_request/v3/least_request.proto',
  'envoy/extensions/load_balancing_policies/round_robin/v3/round_robin.proto',
  'envoy/extensions/load_balancing_policies/random/v3/random.proto',
  // upstream HTTP protocol options (Istio sets h2 upgrades through typed_extension_protocol_options)
  'envoy/extensions/upstreams/http/v3/http_protocol_options.proto',
  // access logs and stats
  'envoy/extensions/access_loggers/file/v3/file.proto',
  'envoy/extensions/access_loggers/stream/v3/stream.proto',
  'envoy/config/metrics/v3/stats.proto',
  // the well-known types (protobufjs's bundled definitions), so that all of them are loaded even
  // where no Envoy proto imports one
  'google/protobuf/any.proto',
  'google/protobuf/duration.proto',
  'google/protobuf/empty.proto',
  'google/protobuf/field_mask.proto',
  'google/protobuf/struct.proto',
  'google/protobuf/timestamp.proto',
  'google/protobuf/wrappers.proto',
  // typed configs for filters whose proto is not in the bundle (Istio's own filters)
  'udpa/type/v1/typed_struct.proto',
  'xds/type/v3/typed_struct.proto',
];

let includeDirsCache: readonly string[] | undefined;

/**
 * The bundle inside @grpc/grpc-js-xds (deps/{envoy-api,xds,googleapis,protoc-gen-validate}) plus
 * protobufjs's own directory for google/protobuf/descriptor.proto. The other google/protobuf
 * well-known types are built into protobufjs.
 */
export function protoIncludeDirs(): readonly string[] {
  if (includeDirsCache) return includeDirsCache;
  const require = createRequire(import.meta.url);
  const xdsRoot = dirname(require.resolve('@grpc/grpc-js-xds/package.json'));
  const protobufRoot = dirname(require.resolve('protobufjs/package.json'));
  includeDirsCache = [
    join(xdsRoot, 'deps', 'envoy-api'),
    join(xdsRoot, 'deps', 'xds'),
    join(xdsRoot, 'deps', 'googleapis'),
    join(xdsRoot, 'deps', 'protoc-gen-validate'),
    protobufRoot,
  ];
  return includeDirsCache;
}
