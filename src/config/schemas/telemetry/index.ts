// telemetry.istio.io: the body schema of Telemetry (v1 and v1alpha1 share one proto).
import type { ZodType } from 'zod';
import { telemetry } from './telemetry.js';

export const telemetrySchemas: Record<string, ZodType> = {
  Telemetry: telemetry,
};

export type {
  TelemetrySpec, Tracing, CustomTag, Metrics, MetricsOverrides, MetricSelector, TagOverride, AccessLogging, ProviderRef,
  WorkloadMode, IstioMetric,
} from './telemetry.js';
