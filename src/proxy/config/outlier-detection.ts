// envoy.config.cluster.v3.OutlierDetection with Envoy's defaults. Percentages are kept as 0..100.

import { ErrorSink, MessageReader } from './reader.js';

export interface OutlierDetectionConfig {
  readonly consecutive5xx: number;
  readonly enforcingConsecutive5xx: number;
  readonly consecutiveGatewayFailure: number;
  readonly enforcingConsecutiveGatewayFailure: number;
  readonly splitExternalLocalOriginErrors: boolean;
  readonly consecutiveLocalOriginFailure: number;
  readonly enforcingConsecutiveLocalOriginFailure: number;
  readonly intervalMs: number;
  readonly baseEjectionTimeMs: number;
  readonly maxEjectionTimeMs: number;
  readonly maxEjectionPercent: number;
  readonly alwaysEjectOneHost: boolean;
  readonly enforcingSuccessRate: number;
  readonly successRateMinimumHosts: number;
  readonly successRateRequestVolume: number;
  readonly successRateStdevFactor: number;
  readonly enforcingFailurePercentage: number;
  readonly failurePercentageThreshold: number;
  readonly failurePercentageMinimumHosts: number;
  readonly failurePercentageRequestVolume: number;
}

const SPEC = {
  fields: [
    'consecutive_5xx', 'interval', 'base_ejection_time', 'max_ejection_percent', 'enforcing_consecutive_5xx',
    'enforcing_success_rate', 'success_rate_minimum_hosts', 'success_rate_request_volume', 'success_rate_stdev_factor',
    'consecutive_gateway_failure', 'enforcing_consecutive_gateway_failure', 'split_external_local_origin_errors',
    'consecutive_local_origin_failure', 'enforcing_consecutive_local_origin_failure', 'enforcing_local_origin_success_rate',
    'failure_percentage_threshold', 'enforcing_failure_percentage', 'enforcing_failure_percentage_local_origin',
    'failure_percentage_minimum_hosts', 'failure_percentage_request_volume', 'max_ejection_time', 'max_ejection_time_jitter',
    'always_eject_one_host', 'monitors', 'detector_type',
  ],
  ignored: { successful_active_health_check_uneject_host: 'no active health checks are configured' },
};

export function compileOutlierDetection(value: unknown, path: string, sink: ErrorSink): OutlierDetectionConfig | undefined {
  const r = MessageReader.of(value, path, sink, SPEC);
  if (!r) return undefined;
  const before = sink.count;
  const pct = (key: string, fallback: number) => r.int(key, fallback, 0, 100);
  if (r.list('monitors').length > 0) r.error('monitors', 'outlier detection monitors are not supported by the Skiff proxy');
  if (r.has('detector_type')) r.error('detector_type', 'is not supported by the Skiff proxy');
  if ((r.durationMs('max_ejection_time_jitter') ?? 0) > 0) r.error('max_ejection_time_jitter', 'is not supported by the Skiff proxy');
  const cfg: OutlierDetectionConfig = {
    consecutive5xx: r.int('consecutive_5xx', 5, 0, 0xffffffff),
    enforcingConsecutive5xx: pct('enforcing_consecutive_5xx', 100),
    consecutiveGatewayFailure: r.int('consecutive_gateway_failure', 5, 0, 0xffffffff),
    enforcingConsecutiveGatewayFailure: pct('enforcing_consecutive_gateway_failure', 0),
    splitExternalLocalOriginErrors: r.bool('split_external_local_origin_errors', false),
    consecutiveLocalOriginFailure: r.int('consecutive_local_origin_failure', 5, 0, 0xffffffff),
    enforcingConsecutiveLocalOriginFailure: pct('enforcing_consecutive_local_origin_failure', 100),
    intervalMs: r.durationMs('interval') ?? 10_000,
    baseEjectionTimeMs: r.durationMs('base_ejection_time') ?? 30_000,
    maxEjectionTimeMs: r.durationMs('max_ejection_time') ?? 300_000,
    maxEjectionPercent: pct('max_ejection_percent', 10),
    alwaysEjectOneHost: r.bool('always_eject_one_host', false),
    enforcingSuccessRate: pct('enforcing_success_rate', 100),
    successRateMinimumHosts: r.int('success_rate_minimum_hosts', 5, 0, 0xffffffff),
    successRateRequestVolume: r.int('success_rate_request_volume', 100, 0, 0xffffffff),
    successRateStdevFactor: r.int('success_rate_stdev_factor', 1900, 0, 0xffffffff),
    enforcingFailurePercentage: pct('enforcing_failure_percentage', 0),
    failurePercentageThreshold: pct('failure_percentage_threshold', 85),
    failurePercentageMinimumHosts: r.int('failure_percentage_minimum_hosts', 5, 0, 0xffffffff),
    failurePercentageRequestVolume: r.int('failure_percentage_request_volume', 50, 0, 0xffffffff),
  };
  pct('enforcing_local_origin_success_rate', 100);
  pct('enforcing_failure_percentage_local_origin', 0);
  if (cfg.intervalMs <= 0) r.error('interval', 'must be greater than 0');
  if (sink.count > before) return undefined;
  return cfg;
}
