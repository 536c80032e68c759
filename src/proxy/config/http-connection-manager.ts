// envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.

import { httpFilterByConfigType, compileRouterOptions, ROUTER_TYPE, type RouterOptions } from '../http/filters/registry.js';
import type { HttpFilter } from '../http/filter.js';
import { compileAccessLogs, type AccessLogConfig } from './access-log.js';
import { anyTypeName, ErrorSink, MessageReader } from './reader.js';
import { compileRouteConfiguration, type RouteConfiguration } from './route-configuration.js';

export const HCM_TYPE = 'envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';

export type RouteSource = { readonly kind: 'rds'; readonly name: string } | { readonly kind: 'inline'; readonly config: RouteConfiguration };

export interface HttpConnectionManagerConfig {
  readonly statPrefix: string;
  /** AUTO tells HTTP/1.1 from cleartext HTTP/2 by the connection preface. */
  readonly codecType: 'AUTO' | 'HTTP1' | 'HTTP2';
  readonly routeSource: RouteSource;
  readonly httpFilters: readonly HttpFilter[];
  readonly router: RouterOptions;
  readonly accessLogs: readonly AccessLogConfig[];
  readonly useRemoteAddress: boolean;
  readonly xffNumTrustedHops: number;
  readonly skipXffAppend: boolean;
  readonly generateRequestId: boolean;
  readonly preserveExternalRequestId: boolean;
  readonly alwaysSetRequestIdInResponse: boolean;
  /** 0 disables. Envoy's default stream idle timeout is 5 minutes. */
  readonly streamIdleTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly requestHeadersTimeoutMs: number;
  /** Downstream connection idle timeout (1 hour by default). */
  readonly idleTimeoutMs: number;
  /** Request headers (request line included) larger than this get 431 (Envoy's default 60 KiB). */
  readonly maxRequestHeadersKb: number;
  /** More request headers than this get 431 (common_http_protocol_options.max_headers_count, default 100). */
  readonly maxHeadersCount: number;
  readonly drainTimeoutMs: number;
  readonly serverName: string;
  readonly serverHeaderTransformation: 'OVERWRITE' | 'APPEND_IF_ABSENT' | 'PASS_THROUGH';
  readonly websocketUpgrade: boolean;
  readonly normalizePath: boolean;
  readonly mergeSlashes: boolean;
  readonly stripPortMode: 'none' | 'matching' | 'any';
  readonly via?: string;
}

const HCM_SPEC = {
  fields: [
    '@type', 'codec_type', 'stat_prefix', 'rds', 'route_config', 'scoped_routes', 'http_filters', 'add_user_agent',
    'common_http_protocol_options', 'http_protocol_options', 'http2_protocol_options', 'http3_protocol_options', 'server_name',
    'server_header_transformation', 'scheme_header_transformation', 'max_request_headers_kb', 'stream_idle_timeout',
    'request_timeout', 'request_headers_timeout', 'drain_timeout', 'delayed_close_timeout', 'access_log', 'use_remote_address',
    'xff_num_trusted_hops', 'original_ip_detection_extensions', 'early_header_mutation_extensions', 'skip_xff_append', 'via',
    'generate_request_id', 'preserve_external_request_id', 'always_set_request_id_in_response', 'forward_client_cert_details',
    'set_current_client_cert_details', 'proxy_100_continue', 'upgrade_configs', 'normalize_path', 'merge_slashes',
    'path_with_escaped_slashes_action', 'request_id_extension', 'local_reply_config', 'strip_matching_host_port',
    'strip_any_host_port', 'stream_error_on_invalid_http_message', 'path_normalization_options', 'strip_trailing_host_dot',
    'proxy_status_config', 'typed_header_validation_config', 'append_x_forwarded_port', 'append_local_overload',
    'add_proxy_protocol_connection_state',
  ],
  ignored: {
    tracing: 'trace headers are propagated unchanged; spans are not emitted by the Skiff proxy yet',
    internal_address_config: 'loopback and private addresses are treated as internal',
    access_log_flush_interval: 'access logs are flushed in batches every second',
    flush_access_log_on_new_request: 'access logs are written when a request completes',
    access_log_options: 'access logs are written when a request completes',
    represent_ipv4_remote_address_as_ipv4_mapped_ipv6: 'addresses are reported as the socket gives them',
  },
};

const UNSUPPORTED_HCM: Record<string, string> = {
  scoped_routes: 'scoped route configurations (SRDS)',
  http3_protocol_options: 'HTTP/3',
  original_ip_detection_extensions: 'original IP detection extensions',
  early_header_mutation_extensions: 'early header mutation extensions',
  local_reply_config: 'local reply mappers',
  path_normalization_options: 'path normalization options',
  proxy_status_config: 'the Proxy-Status header',
  typed_header_validation_config: 'header validation extensions',
  scheme_header_transformation: 'scheme header transformation',
};

export function compileHttpConnectionManager(value: unknown, path: string, sink: ErrorSink): HttpConnectionManagerConfig | undefined {
  const r = MessageReader.of(value, path, sink, HCM_SPEC);
  if (!r) return undefined;
  const before = sink.count;
  for (const [field, what] of Object.entries(UNSUPPORTED_HCM)) {
    if (r.has(field)) r.error(field, `${what} ${what.endsWith('s') ? 'are' : 'is'} not supported by the Skiff proxy`);
  }
  const codec = r.enumValue('codec_type', ['AUTO', 'HTTP1', 'HTTP2', 'HTTP3'] as const, 'AUTO');
  if (codec === 'HTTP3') r.error('codec_type', 'HTTP/3 is not supported by the Skiff proxy');
  const statPrefix = r.string('stat_prefix', { required: true }) ?? '';

  let routeSource: RouteSource | undefined;
  const source = r.oneof(['rds', 'route_config', 'scoped_routes'], true);
  if (source === 'rds') {
    const rds = r.message('rds', { fields: ['config_source', 'route_config_name'] });
    const name = rds?.string('route_config_name', { required: true });
    const cs = rds?.message('config_source', {
      fields: ['ads', 'path', 'path_config_source', 'api_config_source', 'self', 'resource_api_version', 'authorities'],
      ignored: { initial_fetch_timeout: 'listeners serve 404 NR until their routes arrive' },
    });
    if (cs && !cs.has('ads') && !cs.has('self')) cs.error('', 'only ADS (ads: {}) is supported as the RDS config source');
    if (name !== undefined) routeSource = { kind: 'rds', name };
  } else if (source === 'route_config') {
    const config = compileRouteConfiguration(r.raw('route_config'), r.at('route_config'), sink);
    if (config) routeSource = { kind: 'inline', config };
  }

  const httpFilters: HttpFilter[] = [];
  let router: RouterOptions | undefined;
  const filters = r.list('http_filters');
  for (const [i, f] of filters.entries()) {
    const fr = MessageReader.of(f.value, f.path, sink, { fields: ['name', 'typed_config', 'config_discovery', 'is_optional', 'disabled'] });
    if (!fr) continue;
    const name = fr.string('name', { required: true }) ?? '';
    if (fr.has('config_discovery')) { fr.error('config_discovery', 'filter config discovery (ECDS) is not supported by the Skiff proxy'); continue; }
    const optional = fr.bool('is_optional', false);
    // A disabled filter only runs where a route enables it; none of ours need that, so it is inert.
    if (fr.bool('disabled', false)) continue;
    const type = anyTypeName(fr.raw('typed_config'));
    if (type === ROUTER_TYPE) {
      router = compileRouterOptions(fr.raw('typed_config'), fr.at('typed_config'), sink);
      if (i !== filters.length - 1) fr.error('', 'the router filter must be the last HTTP filter');
      continue;
    }
    const def = type ? httpFilterByConfigType(type, 'filter') : undefined;
    if (!def) {
      if (!optional) fr.error('typed_config', `HTTP filter ${type ?? name} is not supported by the Skiff proxy`);
      continue;
    }
    const filter = def.compile(fr.raw('typed_config'), name, fr.at('typed_config'), sink);
    if (filter) httpFilters.push(filter);
  }
  if (!router) r.error('http_filters', 'the last HTTP filter must be envoy.filters.http.router');

  const common = r.message('common_http_protocol_options', {
    fields: ['idle_timeout', 'max_connection_duration', 'max_headers_count', 'max_stream_duration', 'headers_with_underscores_action', 'max_requests_per_connection', 'max_response_headers_kb'],
  });
  const idleTimeoutMs = common?.durationMs('idle_timeout') ?? 3_600_000;
  const maxHeadersCount = common?.int('max_headers_count', 100, 1) ?? 100;
  if (common) {
    for (const k of ['max_connection_duration', 'max_stream_duration']) if ((common.durationMs(k) ?? 0) > 0) common.error(k, 'is not supported by the Skiff proxy');
    if (common.enumValue('headers_with_underscores_action', ['ALLOW', 'REJECT_REQUEST', 'DROP_HEADER'], 'ALLOW') !== 'ALLOW') {
      common.error('headers_with_underscores_action', 'only ALLOW is supported by the Skiff proxy');
    }
    common.int('max_requests_per_connection', 0, 0);
  }
  r.message('http_protocol_options', {
    fields: ['accept_http_10', 'default_host_for_http_10', 'allow_absolute_url', 'header_key_format', 'enable_trailers', 'allow_chunked_length', 'override_stream_error_on_invalid_http_message'],
  });
  r.message('http2_protocol_options', {
    fields: [],
    ignored: {
      max_concurrent_streams: 'node:http2 defaults apply', initial_stream_window_size: 'node:http2 defaults apply',
      initial_connection_window_size: 'node:http2 defaults apply', allow_connect: 'extended CONNECT is not served over HTTP/2',
      hpack_table_size: 'node:http2 defaults apply', connection_keepalive: 'node:http2 defaults apply',
    },
  });
  const websocketUpgrade = compileUpgrades(r, sink);
  const fcc = r.enumValue('forward_client_cert_details', ['SANITIZE', 'FORWARD_ONLY', 'APPEND_FORWARD', 'SANITIZE_SET', 'ALWAYS_FORWARD_ONLY'], 'SANITIZE');
  void fcc; // Without TLS there is no client certificate; SANITIZE removes the header either way.
  r.message('set_current_client_cert_details', { fields: ['subject', 'cert', 'chain', 'dns', 'uri'] });
  const reqId = r.message('request_id_extension', { fields: ['typed_config'] });
  if (reqId) {
    const t = anyTypeName(reqId.raw('typed_config'));
    if (t !== 'envoy.extensions.request_id.uuid.v3.UuidRequestIdConfig') reqId.error('typed_config', `request ID extension ${t} is not supported by the Skiff proxy`);
  }
  const escaped = r.enumValue('path_with_escaped_slashes_action', ['IMPLEMENTATION_SPECIFIC_DEFAULT', 'KEEP_UNCHANGED', 'REJECT_REQUEST', 'UNESCAPE_AND_REDIRECT', 'UNESCAPE_AND_FORWARD'], 'IMPLEMENTATION_SPECIFIC_DEFAULT');
  if (escaped !== 'IMPLEMENTATION_SPECIFIC_DEFAULT' && escaped !== 'KEEP_UNCHANGED') r.error('path_with_escaped_slashes_action', `${escaped} is not supported by the Skiff proxy`);
  if (r.has('strip_matching_host_port') && r.has('strip_any_host_port')) r.error('', 'only one of strip_matching_host_port, strip_any_host_port may be set');
  const stripPortMode = r.bool('strip_any_host_port', false) ? 'any' : r.bool('strip_matching_host_port', false) ? 'matching' : 'none';
  r.bool('proxy_100_continue', false);
  r.bool('stream_error_on_invalid_http_message', false);
  r.bool('strip_trailing_host_dot', false);
  r.bool('append_x_forwarded_port', false);
  r.bool('append_local_overload', false);
  r.bool('add_user_agent', false);
  r.bool('add_proxy_protocol_connection_state', false);
  const maxRequestHeadersKb = r.int('max_request_headers_kb', 60, 1, 8192);
  r.durationMs('delayed_close_timeout');
  const accessLogs = compileAccessLogs(r, 'access_log', sink);
  if (sink.count > before || !routeSource || !router) return undefined;
  return {
    statPrefix,
    codecType: codec === 'HTTP3' ? 'AUTO' : codec,
    routeSource,
    httpFilters,
    router,
    accessLogs,
    useRemoteAddress: r.bool('use_remote_address', false),
    xffNumTrustedHops: r.int('xff_num_trusted_hops', 0),
    skipXffAppend: r.bool('skip_xff_append', false),
    generateRequestId: r.bool('generate_request_id', true),
    preserveExternalRequestId: r.bool('preserve_external_request_id', false),
    alwaysSetRequestIdInResponse: r.bool('always_set_request_id_in_response', false),
    streamIdleTimeoutMs: r.durationMs('stream_idle_timeout') ?? 300_000,
    requestTimeoutMs: r.durationMs('request_timeout') ?? 0,
    requestHeadersTimeoutMs: r.durationMs('request_headers_timeout') ?? 0,
    idleTimeoutMs,
    maxRequestHeadersKb,
    maxHeadersCount,
    drainTimeoutMs: r.durationMs('drain_timeout') ?? 5000,
    serverName: r.string('server_name') || 'envoy',
    serverHeaderTransformation: r.enumValue('server_header_transformation', ['OVERWRITE', 'APPEND_IF_ABSENT', 'PASS_THROUGH'], 'OVERWRITE'),
    websocketUpgrade,
    normalizePath: r.bool('normalize_path', false),
    mergeSlashes: r.bool('merge_slashes', false),
    stripPortMode,
    via: r.string('via') || undefined,
  };
}

function compileUpgrades(r: MessageReader, sink: ErrorSink): boolean {
  let websocket = false;
  for (const u of r.list('upgrade_configs')) {
    const ur = MessageReader.of(u.value, u.path, sink, { fields: ['upgrade_type', 'filters', 'enabled'] });
    if (!ur) continue;
    const type = ur.string('upgrade_type', { required: true }) ?? '';
    if (ur.list('filters').length > 0) ur.error('filters', 'upgrade-specific filter chains are not supported by the Skiff proxy');
    if (type.toLowerCase() === 'websocket') websocket = ur.bool('enabled', true);
    else ur.error('upgrade_type', `upgrade ${JSON.stringify(type)} is not supported by the Skiff proxy`);
  }
  return websocket;
}
