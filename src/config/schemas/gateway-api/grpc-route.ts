// GRPCRoute (gateway.networking.k8s.io/v1, standard channel): the CRD's schema and CEL rules.
import { z } from 'zod';
import { oneOf, re2Problem, strictObject } from '../common.js';
import {
  backendObjectReferenceFields, backendWeight, checkFilterType, checkNotRepeated, checkServicePort, headerModifierSchema,
  hostnames, localObjectReferenceSchema, MATCH_TYPES, nameValueMatches, parentReferences, requestMirrorSchema, sectionName,
} from './shared.js';

const GRPC_SERVICE_RE = /^\.?[a-z_][a-z_0-9]*(?:\.[a-z_][a-z_0-9]*)*$/i;
const GRPC_METHOD_RE = /^[A-Za-z_][A-Za-z_0-9]*$/;

export const grpcMethodMatchSchema = strictObject({
  type: oneOf(MATCH_TYPES).optional(),
  service: z.string().max(1024).optional(),
  method: z.string().max(1024).optional(),
}).superRefine((m, ctx) => {
  if (m.service === undefined && m.method === undefined) {
    ctx.addIssue({ code: 'custom', message: 'one or both of service or method must be specified' });
    return;
  }
  for (const field of ['service', 'method'] as const) {
    const value = m[field];
    if (value === undefined) continue;
    const problem = (m.type ?? 'Exact') === 'RegularExpression' ? re2Problem(value)
      : !(field === 'service' ? GRPC_SERVICE_RE : GRPC_METHOD_RE).test(value)
        ? `${field} must be a ${field === 'service' ? 'fully qualified gRPC service name such as "helloworld.Greeter"' : 'gRPC method name such as "SayHello"'}`
        : undefined;
    if (problem) ctx.addIssue({ code: 'custom', path: [field], message: problem });
  }
});
export type GRPCMethodMatch = z.infer<typeof grpcMethodMatchSchema>;

export const grpcRouteMatchSchema = strictObject({
  method: grpcMethodMatchSchema.optional(),
  headers: nameValueMatches({ valueMax: 4096, caseInsensitive: true }).optional(),
});
export type GRPCRouteMatch = z.infer<typeof grpcRouteMatchSchema>;

export const GRPC_FILTER_TYPES = ['ResponseHeaderModifier', 'RequestHeaderModifier', 'RequestMirror', 'ExtensionRef'] as const;
const GRPC_FILTER_FIELD: Record<string, string> = {
  RequestHeaderModifier: 'requestHeaderModifier', ResponseHeaderModifier: 'responseHeaderModifier', RequestMirror: 'requestMirror', ExtensionRef: 'extensionRef',
};

export const grpcRouteFilterSchema = strictObject({
  type: oneOf(GRPC_FILTER_TYPES),
  requestHeaderModifier: headerModifierSchema.optional(),
  responseHeaderModifier: headerModifierSchema.optional(),
  requestMirror: requestMirrorSchema.optional(),
  extensionRef: localObjectReferenceSchema.optional(),
}).superRefine((f, ctx) => checkFilterType(f, GRPC_FILTER_FIELD, ctx));
export type GRPCRouteFilter = z.infer<typeof grpcRouteFilterSchema>;

const grpcFilters = z.array(grpcRouteFilterSchema).max(16, 'at most 16 filters')
  .superRefine((filters, ctx) => checkNotRepeated(filters, ['RequestHeaderModifier', 'ResponseHeaderModifier'], ctx));

export const grpcBackendRefSchema = strictObject({
  ...backendObjectReferenceFields,
  weight: backendWeight.optional(),
  filters: grpcFilters.optional(),
}).superRefine(checkServicePort);
export type GRPCBackendRef = z.infer<typeof grpcBackendRefSchema>;

export const grpcRouteRuleSchema = strictObject({
  name: sectionName.optional(),
  matches: z.array(grpcRouteMatchSchema).max(64, 'at most 64 matches per rule').optional(),
  filters: grpcFilters.optional(),
  backendRefs: z.array(grpcBackendRefSchema).max(16, 'at most 16 backendRefs').optional(),
});
export type GRPCRouteRule = z.infer<typeof grpcRouteRuleSchema>;

export const grpcRouteSpec = strictObject({
  parentRefs: parentReferences.optional(),
  hostnames: hostnames.optional(),
  rules: z.array(grpcRouteRuleSchema).max(16, 'at most 16 rules').superRefine((rules, ctx) => {
    const total = rules.reduce((n, r) => n + (r.matches?.length ?? 0), 0);
    if (total > 128) ctx.addIssue({ code: 'custom', message: `at most 128 matches across all rules, found ${total}` });
  }).optional(),
});
export type GRPCRouteSpec = z.infer<typeof grpcRouteSpec>;

export const grpcRoute = strictObject({ spec: grpcRouteSpec, status: z.unknown().optional() });
