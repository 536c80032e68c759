// Cluster.typed_extension_protocol_options["envoy.extensions.upstreams.http.v3.HttpProtocolOptions"]:
// which HTTP version to speak upstream and connection lifetime limits.

import { anyTypeName, ErrorSink, MessageReader } from './reader.js';

export interface UpstreamProtocolOptions {
  /** 'downstream' follows the downstream request's protocol. */
  readonly protocol: 'http1' | 'http2' | 'downstream';
  /** Idle keep-alive connections close after this long (Envoy's default: 1 hour). */
  readonly idleTimeoutMs: number;
  /** 0 means unlimited. */
  readonly maxRequestsPerConnection: number;
}

const HTTP_PROTOCOL_OPTIONS = 'envoy.extensions.upstreams.http.v3.HttpProtocolOptions';

const DEFAULTS: UpstreamProtocolOptions = { protocol: 'http1', idleTimeoutMs: 3_600_000, maxRequestsPerConnection: 0 };

export function compileUpstreamProtocol(r: MessageReader, sink: ErrorSink): UpstreamProtocolOptions {
  const entries = r.map('typed_extension_protocol_options');
  let result = DEFAULTS;
  for (const { key, value, path } of entries) {
    const type = anyTypeName(value);
    if (key !== HTTP_PROTOCOL_OPTIONS && type !== HTTP_PROTOCOL_OPTIONS) {
      sink.add(path, `protocol options ${type ?? key} are not supported by the Skiff proxy`);
      continue;
    }
    const o = MessageReader.of(value, path, sink, {
      fields: ['@type', 'common_http_protocol_options', 'explicit_http_config', 'use_downstream_protocol_config', 'auto_config', 'http_filters', 'header_validation_config'],
      ignored: { upstream_http_protocol_options: 'auto SNI/SAN only matter with TLS, which is not in use' },
    });
    if (!o) continue;
    let protocol: UpstreamProtocolOptions['protocol'] = 'http1';
    const kind = o.oneof(['explicit_http_config', 'use_downstream_protocol_config', 'auto_config'], false);
    if (kind === 'explicit_http_config') {
      const e = o.message('explicit_http_config', { fields: ['http_protocol_options', 'http2_protocol_options', 'http3_protocol_options'] });
      const v = e?.oneof(['http_protocol_options', 'http2_protocol_options', 'http3_protocol_options'], true);
      if (v === 'http3_protocol_options') e!.error(v, 'HTTP/3 is not supported by the Skiff proxy');
      if (v === 'http2_protocol_options') protocol = 'http2';
    } else if (kind === 'use_downstream_protocol_config') protocol = 'downstream';
    else if (kind === 'auto_config') o.error('auto_config', 'ALPN-based protocol selection needs TLS, which the Skiff proxy does not implement yet');
    if (o.list('http_filters').length > 0) o.error('http_filters', 'upstream HTTP filters are not supported by the Skiff proxy');
    if (o.has('header_validation_config')) o.error('header_validation_config', 'is not supported by the Skiff proxy');
    const common = o.message('common_http_protocol_options', {
      fields: ['idle_timeout', 'max_requests_per_connection', 'max_connection_duration', 'max_headers_count', 'max_stream_duration', 'headers_with_underscores_action', 'max_response_headers_kb'],
    });
    let idleTimeoutMs = DEFAULTS.idleTimeoutMs;
    let maxRequestsPerConnection = 0;
    if (common) {
      idleTimeoutMs = common.durationMs('idle_timeout') ?? idleTimeoutMs;
      maxRequestsPerConnection = common.int('max_requests_per_connection', 0, 0, 0xffffffff);
      for (const k of ['max_connection_duration', 'max_stream_duration']) {
        if ((common.durationMs(k) ?? 0) > 0) common.error(k, 'is not supported by the Skiff proxy');
      }
      common.int('max_headers_count', 100, 1);
      common.int('max_response_headers_kb', 60, 1);
      common.enumValue('headers_with_underscores_action', ['ALLOW', 'REJECT_REQUEST', 'DROP_HEADER'], 'ALLOW');
    }
    result = { protocol, idleTimeoutMs, maxRequestsPerConnection };
  }
  return result;
}
