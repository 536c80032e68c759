// envoy.extensions.filters.http.fault.v3.HTTPFault: delays and aborts with percentages, header-
// controlled variants, and the request conditions that scope them.

import { compileHeaderMatcher, type HeaderMatcher } from '../../../config/header-matcher.js';
import { fractionalPercent } from '../../../config/percent.js';
import { ErrorSink, MessageReader } from '../../../config/reader.js';

export const HTTP_FAULT_TYPE = 'envoy.extensions.filters.http.fault.v3.HTTPFault';

export interface FaultConfig {
  /** Fixed delay in ms, or 'header' for x-envoy-fault-delay-request. */
  readonly delay?: { readonly ms: number | 'header'; readonly probability: number };
  readonly abort?: { readonly httpStatus?: number; readonly grpcStatus?: number; readonly header: boolean; readonly probability: number };
  readonly upstreamCluster?: string;
  readonly headers: readonly HeaderMatcher[];
  readonly downstreamNodes: readonly string[];
  readonly maxActiveFaults?: number;
}

const SPEC = {
  fields: [
    '@type', 'delay', 'abort', 'upstream_cluster', 'headers', 'downstream_nodes', 'max_active_faults', 'response_rate_limit',
    'delay_percent_runtime', 'abort_percent_runtime', 'delay_duration_runtime', 'abort_http_status_runtime', 'max_active_faults_runtime',
    'response_rate_limit_percent_runtime', 'abort_grpc_status_runtime', 'disable_downstream_cluster_stats', 'filter_metadata',
  ],
};

export function compileFaultConfig(value: unknown, path: string, sink: ErrorSink): FaultConfig | undefined {
  const r = MessageReader.of(value, path, sink, SPEC);
  if (!r) return undefined;
  const before = sink.count;
  // Runtime keys only name overrides in Envoy's runtime, which Skiff does not have; the defaults apply.
  for (const k of ['delay_percent_runtime', 'abort_percent_runtime', 'delay_duration_runtime', 'abort_http_status_runtime', 'max_active_faults_runtime', 'response_rate_limit_percent_runtime', 'abort_grpc_status_runtime']) r.string(k);
  r.bool('disable_downstream_cluster_stats', false);
  r.raw('filter_metadata');
  if (r.has('response_rate_limit')) r.error('response_rate_limit', 'response rate limiting faults are not supported by the Skiff proxy');
  let delay: FaultConfig['delay'];
  const d = r.message('delay', { fields: ['fixed_delay', 'header_delay', 'percentage'] });
  if (d) {
    const kind = d.oneof(['fixed_delay', 'header_delay'], true);
    const probability = fractionalPercent(d, 'percentage') ?? 0;
    if (kind === 'fixed_delay') delay = { ms: d.durationMs('fixed_delay') ?? 0, probability };
    else if (kind === 'header_delay') {
      d.message('header_delay', { fields: [] });
      delay = { ms: 'header', probability };
    }
  }
  let abort: FaultConfig['abort'];
  const a = r.message('abort', { fields: ['http_status', 'grpc_status', 'header_abort', 'percentage'] });
  if (a) {
    const kind = a.oneof(['http_status', 'grpc_status', 'header_abort'], true);
    const probability = fractionalPercent(a, 'percentage') ?? 0;
    if (kind === 'http_status') abort = { httpStatus: a.int('http_status', 503, 200, 599), header: false, probability };
    else if (kind === 'grpc_status') abort = { grpcStatus: a.int('grpc_status', 14, 0, 16), header: false, probability };
    else if (kind === 'header_abort') {
      a.message('header_abort', { fields: [] });
      abort = { header: true, probability };
    }
  }
  const headers = r.list('headers').map((h) => compileHeaderMatcher(h.value, h.path, sink)).filter((h) => h !== undefined);
  const maxActiveFaults = r.has('max_active_faults') ? r.int('max_active_faults', 0, 0, 0xffffffff) : undefined;
  if (sink.count > before) return undefined;
  return { delay, abort, upstreamCluster: r.string('upstream_cluster') || undefined, headers, downstreamNodes: r.stringList('downstream_nodes'), maxActiveFaults };
}
