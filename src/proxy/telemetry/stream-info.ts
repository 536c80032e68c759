// What the access log and metrics read about a finished request (Envoy's StreamInfo).

import type { HeaderMap } from '../config/request-view.js';

export interface StreamInfo {
  /** Milliseconds since the epoch when the request arrived. */
  readonly startTime: number;
  /** Request duration in milliseconds, set when the stream completes. */
  readonly durationMs: number;
  readonly method: string;
  readonly path: string;
  readonly authority: string;
  readonly protocol: string;
  readonly requestHeaders: HeaderMap;
  readonly responseHeaders: HeaderMap | undefined;
  readonly responseCode: number;
  readonly responseFlags: number;
  readonly responseCodeDetails: string;
  readonly bytesReceived: number;
  readonly bytesSent: number;
  readonly upstreamHost: string | undefined;
  readonly upstreamCluster: string | undefined;
  readonly upstreamServiceTimeMs: number | undefined;
  readonly upstreamTransportFailureReason: string | undefined;
  readonly downstreamLocalAddress: string;
  readonly downstreamRemoteAddress: string;
  readonly routeName: string | undefined;
  readonly attemptCount: number;
}
