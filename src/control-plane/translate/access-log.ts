// Access logs as Istio configures them from meshConfig (`accessLogFile`, `accessLogEncoding`,
// `accessLogFormat`): a file access logger on every HTTP connection manager and TCP proxy, in
// Istio's default text format or its JSON keys.
import type { MeshConfig } from '../model/mesh-config.js';
import { TYPE_URL } from '../../xds/type-urls.js';
import { typed, type Json } from './envoy-common.js';

/** Istio's default text format (EnvoyTextLogFormat in pilot). */
export const ISTIO_TEXT_FORMAT =
  '[%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" %RESPONSE_CODE% %RESPONSE_FLAGS% ' +
  '%RESPONSE_CODE_DETAILS% %CONNECTION_TERMINATION_DETAILS% "%UPSTREAM_TRANSPORT_FAILURE_REASON%" %BYTES_RECEIVED% ' +
  '%BYTES_SENT% %DURATION% %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%" ' +
  '"%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%" %UPSTREAM_CLUSTER_RAW% %UPSTREAM_LOCAL_ADDRESS% ' +
  '%DOWNSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_REMOTE_ADDRESS% %REQUESTED_SERVER_NAME% %ROUTE_NAME%\n';

/** Istio's default JSON access log keys (EnvoyJSONLogFormatIstio in pilot). */
export const ISTIO_JSON_FORMAT: Readonly<Record<string, string>> = {
  start_time: '%START_TIME%',
  method: '%REQ(:METHOD)%',
  path: '%REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%',
  protocol: '%PROTOCOL%',
  response_code: '%RESPONSE_CODE%',
  response_flags: '%RESPONSE_FLAGS%',
  response_code_details: '%RESPONSE_CODE_DETAILS%',
  connection_termination_details: '%CONNECTION_TERMINATION_DETAILS%',
  upstream_transport_failure_reason: '%UPSTREAM_TRANSPORT_FAILURE_REASON%',
  bytes_received: '%BYTES_RECEIVED%',
  bytes_sent: '%BYTES_SENT%',
  duration: '%DURATION%',
  upstream_service_time: '%RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)%',
  x_forwarded_for: '%REQ(X-FORWARDED-FOR)%',
  user_agent: '%REQ(USER-AGENT)%',
  request_id: '%REQ(X-REQUEST-ID)%',
  authority: '%REQ(:AUTHORITY)%',
  upstream_host: '%UPSTREAM_HOST%',
  upstream_cluster: '%UPSTREAM_CLUSTER_RAW%',
  upstream_local_address: '%UPSTREAM_LOCAL_ADDRESS%',
  downstream_local_address: '%DOWNSTREAM_LOCAL_ADDRESS%',
  downstream_remote_address: '%DOWNSTREAM_REMOTE_ADDRESS%',
  requested_server_name: '%REQUESTED_SERVER_NAME%',
  route_name: '%ROUTE_NAME%',
};

/** The `access_log` entry for the mesh config, or undefined when access logging is off. */
export function accessLogFor(mesh: MeshConfig): Json | undefined {
  if (!mesh.accessLogFile) return undefined;
  const logFormat: Json = mesh.accessLogEncoding === 'JSON'
    ? { json_format: { ...ISTIO_JSON_FORMAT } }
    : { text_format_source: { inline_string: mesh.accessLogFormat ? `${mesh.accessLogFormat.replace(/\n?$/, '\n')}` : ISTIO_TEXT_FORMAT } };
  return { name: 'envoy.access_loggers.file', typed_config: typed(TYPE_URL.FILE_ACCESS_LOG, { path: mesh.accessLogFile, log_format: logFormat }) };
}

const LOGGED_FILTERS = new Set(['envoy.filters.network.http_connection_manager', 'envoy.filters.network.tcp_proxy']);

/** Adds the mesh's access log to every connection manager and TCP proxy of `listeners`. */
export function withAccessLogs(listeners: Json[], mesh: MeshConfig): Json[] {
  const log = accessLogFor(mesh);
  if (!log) return listeners;
  for (const listener of listeners) {
    for (const chain of (listener.filter_chains as Json[] | undefined) ?? []) {
      for (const filter of (chain.filters as Json[] | undefined) ?? []) {
        if (LOGGED_FILTERS.has(filter.name as string)) (filter.typed_config as Json).access_log = [log];
      }
    }
  }
  return listeners;
}
