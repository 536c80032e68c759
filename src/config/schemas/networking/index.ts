// Body schemas of the networking.istio.io kinds (v1, v1beta1 and v1alpha3 share one spec), and
// the spec types the control plane translates.
import type { ZodType } from 'zod';
import { virtualServiceBody } from './virtual-service.js';

export type { Percent } from './fields.js';
export * from './hosts.js';
export * from './string-match.js';
export * from './headers.js';
export * from './destination.js';
export * from './http-match.js';
export * from './http-policies.js';
export * from './http-route.js';
export * from './virtual-service.js';

export const networkingSchemas: Record<string, ZodType> = {
  VirtualService: virtualServiceBody,
};
