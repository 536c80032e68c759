// security.istio.io: the body schemas of PeerAuthentication, AuthorizationPolicy and
// RequestAuthentication. v1 and v1beta1 share one schema, as they share one proto.
import type { ZodType } from 'zod';
import { authorizationPolicy } from './authorization-policy.js';
import { peerAuthentication } from './peer-authentication.js';
import { requestAuthentication } from './request-authentication.js';

export const securitySchemas: Record<string, ZodType> = {
  PeerAuthentication: peerAuthentication,
  AuthorizationPolicy: authorizationPolicy,
  RequestAuthentication: requestAuthentication,
};

export type { AuthorizationPolicySpec, AuthorizationAction, Rule, Source, Operation, Condition } from './authorization-policy.js';
export type { PeerAuthenticationSpec, MutualTLS, MutualTLSMode } from './peer-authentication.js';
export type { RequestAuthenticationSpec, JWTRule, JWTHeader, ClaimToHeader } from './request-authentication.js';
export type { WorkloadSelector, PolicyTargetReference } from './policy-target.js';
