// gateway.networking.k8s.io: the body schemas of Gateway, HTTPRoute and GRPCRoute (v1, standard
// channel). Experimental-channel fields are rejected as unknown.
import type { ZodType } from 'zod';
import { k8sGateway } from './gateway.js';
import { grpcRoute } from './grpc-route.js';
import { httpRoute } from './http-route.js';

export const gatewayApiSchemas: Record<string, ZodType> = {
  Gateway: k8sGateway,
  HTTPRoute: httpRoute,
  GRPCRoute: grpcRoute,
};

export type {
  K8sGatewaySpec, Listener, ListenerProtocol, GatewayTLSConfig, AllowedRoutes, GatewayAddress, SecretObjectReference,
} from './gateway.js';
export type {
  HTTPRouteSpec, HTTPRouteRule, HTTPRouteMatch, HTTPPathMatch, HTTPRouteFilter, HTTPBackendRef, HTTPPathModifier,
  HTTPRequestRedirect, HTTPURLRewrite, HTTPCORSFilter, HTTPRouteTimeouts,
} from './http-route.js';
export type { GRPCRouteSpec, GRPCRouteRule, GRPCRouteMatch, GRPCMethodMatch, GRPCRouteFilter, GRPCBackendRef } from './grpc-route.js';
export type { ParentReference, BackendObjectReference, HeaderModifier, RequestMirror, LocalObjectReference } from './shared.js';
