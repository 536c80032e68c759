// Telemetry (telemetry.istio.io v1/v1alpha1): tracing, metrics and access logging per workload.
// Schema of istio/api telemetry.proto with its CRD's rules and istiod's ValidateTelemetry.
import { z } from 'zod';
import { oneOf, positiveDuration, strictObject } from '../common.js';
import { checkSingleTarget, policyTargetFields } from '../security/policy-target.js';

/** protobuf wrapper fields (BoolValue, DoubleValue) may be written as null, meaning unset. */
const optionalBool = z.boolean().nullable().optional();

export const WORKLOAD_MODES = ['CLIENT_AND_SERVER', 'CLIENT', 'SERVER'] as const;
export type WorkloadMode = (typeof WORKLOAD_MODES)[number];
const modeSelector = strictObject({ mode: oneOf(WORKLOAD_MODES).optional() });

export const providerRefSchema = strictObject({ name: z.string().min(1, 'providers.name may not be empty') });
export type ProviderRef = z.infer<typeof providerRefSchema>;

// ---- tracing ----------------------------------------------------------------------------------

const CUSTOM_TAG_TYPES = ['literal', 'environment', 'header', 'formatter'] as const;

export const customTagSchema = strictObject({
  literal: strictObject({ value: z.string().min(1, 'literal tag value may not be empty') }).optional(),
  environment: strictObject({ name: z.string().min(1, 'environment tag name may not be empty'), defaultValue: z.string().optional() }).optional(),
  header: strictObject({ name: z.string().min(1, 'header tag name may not be empty'), defaultValue: z.string().optional() }).optional(),
  formatter: strictObject({ value: z.string().min(1, 'formatter tag value may not be empty') }).optional(),
}).superRefine((tag, ctx) => {
  const set = CUSTOM_TAG_TYPES.filter((t) => tag[t] !== undefined);
  if (set.length > 1) ctx.addIssue({ code: 'custom', path: [set[1]!], message: `a custom tag takes only one of ${CUSTOM_TAG_TYPES.join(', ')} (found ${set.join(' and ')})` });
});
export type CustomTag = z.infer<typeof customTagSchema>;

export const tracingSchema = strictObject({
  match: modeSelector.optional(),
  providers: z.array(providerRefSchema).optional(),
  randomSamplingPercentage: z.number().min(0, 'randomSamplingPercentage must be in range [0.0, 100.0]').max(100, 'randomSamplingPercentage must be in range [0.0, 100.0]').nullable().optional(),
  disableSpanReporting: optionalBool,
  customTags: z.record(z.string().min(1, 'tag name may not be empty'), customTagSchema).optional(),
  useRequestIdForTraceSampling: optionalBool,
  enableIstioTags: optionalBool,
  disableContextPropagation: optionalBool,
});
export type Tracing = z.infer<typeof tracingSchema>;

// ---- metrics ----------------------------------------------------------------------------------

export const ISTIO_METRICS = [
  'ALL_METRICS', 'REQUEST_COUNT', 'REQUEST_DURATION', 'REQUEST_SIZE', 'RESPONSE_SIZE', 'TCP_OPENED_CONNECTIONS',
  'TCP_CLOSED_CONNECTIONS', 'TCP_SENT_BYTES', 'TCP_RECEIVED_BYTES', 'GRPC_REQUEST_MESSAGES', 'GRPC_RESPONSE_MESSAGES',
] as const;
export type IstioMetric = (typeof ISTIO_METRICS)[number];

export const metricSelectorSchema = strictObject({
  metric: oneOf(ISTIO_METRICS).optional(),
  customMetric: z.string().min(1, 'customMetric may not be empty').optional(),
  mode: oneOf(WORKLOAD_MODES).optional(),
}).superRefine((m, ctx) => {
  if (m.metric !== undefined && m.customMetric !== undefined) ctx.addIssue({ code: 'custom', path: ['customMetric'], message: 'only one of metric or customMetric can be set' });
});
export type MetricSelector = z.infer<typeof metricSelectorSchema>;

export const tagOverrideSchema = strictObject({
  operation: oneOf(['UPSERT', 'REMOVE']).optional(),
  value: z.string().optional(),
}).superRefine((t, ctx) => {
  // UPSERT is the default operation.
  if ((t.operation ?? 'UPSERT') === 'UPSERT' && !t.value) ctx.addIssue({ code: 'custom', path: ['value'], message: 'value must be set when operation is UPSERT' });
  if (t.operation === 'REMOVE' && t.value !== undefined) ctx.addIssue({ code: 'custom', path: ['value'], message: 'value must not be set when operation is REMOVE' });
});
export type TagOverride = z.infer<typeof tagOverrideSchema>;

export const metricsOverridesSchema = strictObject({
  match: metricSelectorSchema.optional(),
  disabled: optionalBool,
  tagOverrides: z.record(z.string().min(1, 'tag name may not be empty'), tagOverrideSchema).optional(),
});
export type MetricsOverrides = z.infer<typeof metricsOverridesSchema>;

export const metricsSchema = strictObject({
  providers: z.array(providerRefSchema).optional(),
  overrides: z.array(metricsOverridesSchema).optional(),
  reportingInterval: positiveDuration.optional(),
});
export type Metrics = z.infer<typeof metricsSchema>;

// ---- access logging ---------------------------------------------------------------------------

/**
 * A syntax check of a CEL expression: string literals closed, brackets balanced, something left
 * after removing them. Full parsing and type checking happen where the filter is compiled.
 */
export function celSyntaxProblem(expr: string): string | undefined {
  if (expr.trim() === '') return 'expression must not be empty';
  const closing: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  const stack: string[] = [];
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i]!;
    if (c === '"' || c === "'") {
      const quote = expr.startsWith(c.repeat(3), i) ? c.repeat(3) : c;
      const raw = i > 0 && /[rR]/.test(expr[i - 1]!);
      let j = i + quote.length;
      while (j < expr.length && !expr.startsWith(quote, j)) j += !raw && expr[j] === '\\' ? 2 : 1;
      if (j >= expr.length) return `must be a valid CEL expression: unterminated string starting at column ${i + 1}`;
      i = j + quote.length - 1;
    } else if (c === '(' || c === '[' || c === '{') {
      stack.push(c);
    } else if (c in closing) {
      if (stack.pop() !== closing[c]) return `must be a valid CEL expression: unexpected "${c}" at column ${i + 1}`;
    }
  }
  if (stack.length > 0) return `must be a valid CEL expression: "${stack[stack.length - 1]}" is never closed`;
  if (/(?:&&|\|\||[-+*/%!<>=]=?|\.)\s*$/.test(expr)) return 'must be a valid CEL expression: it ends with an operator';
  return undefined;
}

export const accessLoggingSchema = strictObject({
  match: modeSelector.optional(),
  providers: z.array(providerRefSchema).optional(),
  disabled: optionalBool,
  filter: strictObject({
    expression: z.string().superRefine((expr, ctx) => {
      const problem = celSyntaxProblem(expr);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }).optional(),
  }).optional(),
});
export type AccessLogging = z.infer<typeof accessLoggingSchema>;

// ---- the resource -----------------------------------------------------------------------------

export const telemetrySpec = strictObject({
  ...policyTargetFields,
  tracing: z.array(tracingSchema).optional(),
  metrics: z.array(metricsSchema).optional(),
  accessLogging: z.array(accessLoggingSchema).optional(),
}).superRefine(checkSingleTarget);
export type TelemetrySpec = z.infer<typeof telemetrySpec>;

export const telemetry = strictObject({ spec: telemetrySpec, status: z.unknown().optional() });
