// The shape of an HTTP filter: a definition (config validation from the xDS typed config) and the
// filter instance that runs per request before the router. Filters see the request through
// FilterContext and may answer locally (fault abort, RBAC deny) or hold the request (fault delay).

import type { ErrorSink } from '../config/reader.js';
import type { RequestView } from '../config/request-view.js';

export interface FilterContext {
  readonly view: RequestView;
  /** The cluster the route chose (weighted choice already made), if it forwards. */
  readonly clusterName: string | undefined;
  /** The most specific typed_per_filter_config for the named filter instance, if any. */
  perFilterConfig(filterName: string): unknown;
  /** Answers the request from the proxy; the router is not run. */
  sendLocalReply(status: number, body: string, responseFlag: number, details: string): void;
  /** A gRPC error answered by the proxy: HTTP 200, grpc-status and grpc-message, no body. */
  sendGrpcLocalReply(grpcStatus: number, message: string, responseFlag: number, details: string): void;
  /** A complete response from the filter (CORS preflight). */
  sendResponse(status: number, headers: Record<string, string>, body: Buffer | undefined): void;
  /** A header to add to whatever response the request gets. */
  addResponseHeader(name: string, value: string): void;
  addResponseFlag(flag: number): void;
  /** True once a response has been started (locally or from upstream). */
  readonly responded: boolean;
  /** True when the downstream went away. */
  readonly aborted: boolean;
}

export interface HttpFilter {
  /** The instance name from http_filters[].name; per-route configs are keyed by it. */
  readonly name: string;
  /** Runs before the router; returns a promise only when it must wait. */
  onRequest(ctx: FilterContext): void | Promise<void>;
}

export interface HttpFilterDefinition {
  /** Proto types (without type.googleapis.com/) of the filter's typed_config. */
  readonly configTypes: readonly string[];
  /** Proto types this filter accepts in typed_per_filter_config. */
  readonly perRouteTypes?: readonly string[];
  /** The router ends the chain; it takes no instance here (the HCM runs it). */
  readonly terminal?: boolean;
  compile(config: unknown, instanceName: string, path: string, sink: ErrorSink): HttpFilter | undefined;
  compilePerRoute?(config: unknown, path: string, sink: ErrorSink): unknown;
}
