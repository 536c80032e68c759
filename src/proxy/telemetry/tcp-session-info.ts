// StreamInfo for a TCP connection (TCP proxy sessions, connections no filter chain accepted), so
// listener and tcp_proxy access logs use the same formats as HTTP ones.

import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { HeaderMap } from '../config/request-view.js';
import type { StreamInfo } from './stream-info.js';

const NO_HEADERS: HeaderMap = {};

export class TcpSessionInfo implements StreamInfo {
  readonly startTime = Date.now();
  private readonly startHr = performance.now();
  durationMs = 0;
  readonly method = '';
  readonly path = '';
  readonly authority = '';
  readonly protocol = '';
  readonly requestHeaders = NO_HEADERS;
  readonly responseHeaders = undefined;
  readonly responseCode = 0;
  responseFlags = 0;
  responseCodeDetails = '';
  bytesReceived = 0;
  bytesSent = 0;
  upstreamHost: string | undefined;
  upstreamCluster: string | undefined;
  readonly upstreamServiceTimeMs = undefined;
  upstreamTransportFailureReason: string | undefined;
  readonly downstreamLocalAddress: string;
  readonly downstreamRemoteAddress: string;
  readonly routeName = undefined;
  attemptCount = 0;

  constructor(downstream: Duplex) {
    const s = downstream as Partial<Socket>;
    this.downstreamLocalAddress = `${s.localAddress ?? ''}:${s.localPort ?? 0}`;
    this.downstreamRemoteAddress = `${s.remoteAddress ?? ''}:${s.remotePort ?? 0}`;
  }

  finish(): void {
    this.durationMs = performance.now() - this.startHr;
  }
}
