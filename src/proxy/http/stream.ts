// One downstream HTTP request as it crosses the proxy: the connection manager's edge handling,
// route resolution, the HTTP filters, then the router. It is also the StreamInfo the access log
// and metrics read when the request completes.

import { randomUUID } from 'node:crypto';
import { applyHeaderMutation, type HeaderValueContext } from '../config/header-mutation.js';
import { FILTER_DISABLED } from '../config/per-filter-config.js';
import type { HeaderMap, RequestView } from '../config/request-view.js';
import { pickWeightedCluster, type WeightedCluster } from '../config/route-action.js';
import { findRoute, findVirtualHost } from '../config/route-configuration.js';
import type { Route } from '../config/route.js';
import { routeRequest } from '../router/router.js';
import { stripHopByHop } from '../router/hop-by-hop.js';
import { ResponseFlag } from '../telemetry/response-flags.js';
import type { StreamInfo } from '../telemetry/stream-info.js';
import type { UpstreamRequest } from '../router/upstream-request.js';
import type { FilterContext } from './filter.js';
import type { HttpConnectionManager } from './connection-manager.js';
import { normalizePath } from './path-normalization.js';
import { parseConnectTarget } from './connect-tunnel.js';
import type { RouterOptions } from './filters/registry.js';
import type { PeerInfo } from '../telemetry/metadata-exchange.js';
import type { DownstreamRequest, DownstreamResponse, DownstreamSocket } from './downstream.js';

/** Where an explicit-proxy request was really going (absolute-form URL or CONNECT target). */
export interface OriginalDestination {
  readonly host: string;
  readonly port: number;
}

/** Loopback and private ranges count as internal, as Envoy's default internal_address_config. */
function isInternalAddress(address: string): boolean {
  const a = address.startsWith('::ffff:') ? address.slice(7) : address;
  return /^(127\.|10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)/.test(a) || a === '::1' || /^f[cd]/i.test(a);
}

export class HttpStream implements FilterContext, StreamInfo {
  readonly view: RequestView;
  readonly startTime = Date.now();
  private readonly startHr = performance.now();
  readonly protocol: string;
  /** The request carries a body (content-length > 0, chunked, or an HTTP/2 stream not ended with the headers). */
  readonly hasBody: boolean;
  /** The downstream speaks HTTP/2 (h2c). */
  readonly isHttp2: boolean;
  route: Route | undefined;
  /** The cluster the router will use (after weighted choice or cluster_header). */
  clusterName: string | undefined;
  weightedCluster: WeightedCluster | undefined;
  upstream: UpstreamRequest | undefined;

  responseCode = 0;
  responseFlags = 0;
  responseCodeDetails = '';
  responseHeaders: HeaderMap | undefined;
  upstreamHost: string | undefined;
  upstreamCluster: string | undefined;
  upstreamServiceTimeMs: number | undefined;
  upstreamTransportFailureReason: string | undefined;
  attemptCount = 0;
  bytesSent = 0;
  durationMs = 0;
  responded = false;
  aborted = false;
  /** Where the request was going: the CONNECT target, or the absolute-form URL's authority. */
  readonly originalDestination: OriginalDestination | undefined;
  /** The virtual host requires TLS and this plaintext request gets a 301 to https. */
  requireTlsRedirect = false;
  /** The other side's identity from Istio metadata exchange (client when inbound, server when outbound). */
  peer: PeerInfo | undefined;
  /** Extra response headers filters and the router ask for (set-cookie from hash policies). */
  extraResponseHeaders: [string, string][] | undefined;

  constructor(
    readonly hcm: HttpConnectionManager,
    readonly req: DownstreamRequest,
    readonly res: DownstreamResponse,
    originalDestination: OriginalDestination | undefined,
  ) {
    let path = req.url || '/';
    const method = req.method;
    const headers = req.headers;
    this.isHttp2 = req.httpVersionMajor === 2;
    const host = headers.host;
    let authority = typeof host === 'string' ? host.toLowerCase() : '';
    if (this.isHttp2) {
      // HTTP/2 pseudo-headers become the request line and Host for whatever protocol goes upstream.
      const a = headers[':authority'];
      if (typeof a === 'string') authority = a.toLowerCase();
      for (const pseudo of [':authority', ':method', ':path', ':scheme', ':protocol']) delete headers[pseudo];
      if (authority) headers.host = authority;
    }
    // Absolute-form (`GET http://reviews:9080/x`): the URL names the authority, as Envoy reads it.
    if (path.charCodeAt(0) !== 47 /* / */ && path.startsWith('http://')) {
      const slash = path.indexOf('/', 7);
      authority = (slash < 0 ? path.slice(7) : path.slice(7, slash)).toLowerCase();
      path = slash < 0 ? '/' : path.slice(slash);
      headers.host = authority;
      // An explicit-proxy request names its destination; ORIGINAL_DST clusters connect there.
      originalDestination ??= parseConnectTarget(authority.includes(':') && !authority.endsWith(']') ? authority : `${authority}:80`);
    }
    this.originalDestination = originalDestination;
    if (hcm.config.normalizePath || hcm.config.mergeSlashes) path = normalizePath(path, hcm.config.normalizePath, hcm.config.mergeSlashes);
    this.protocol = this.isHttp2 ? 'HTTP/2' : req.httpVersion === '1.0' ? 'HTTP/1.0' : 'HTTP/1.1';
    this.hasBody = req.hasBody;
    // The HTTP/1.1 codec leaves hop-by-hop headers out as it reads them.
    if (!req.hopByHopStripped) stripHopByHop(headers);
    this.view = {
      method,
      path,
      authority,
      scheme: 'http',
      headers,
      remoteAddress: req.socket.remoteAddress ?? '',
    };
  }

  get router(): RouterOptions {
    return this.hcm.config.router;
  }

  // ---- StreamInfo ----
  get method(): string {
    return this.view.method;
  }
  get path(): string {
    return this.view.path;
  }
  get authority(): string {
    return this.view.authority;
  }
  get requestHeaders(): HeaderMap {
    return this.view.headers;
  }
  get bytesReceived(): number {
    const cl = this.view.headers['content-length'];
    return typeof cl === 'string' ? Number(cl) || 0 : 0;
  }
  /** The downstream connection (TLS when the listener terminated it). */
  get downstreamSocket(): DownstreamSocket {
    return this.req.socket;
  }
  get downstreamLocalAddress(): string {
    const s = this.req.socket;
    return `${s.localAddress ?? ''}:${s.localPort ?? 0}`;
  }
  get downstreamRemoteAddress(): string {
    const s = this.req.socket;
    return `${s.remoteAddress ?? ''}:${s.remotePort ?? 0}`;
  }
  get routeName(): string | undefined {
    return this.route?.name || undefined;
  }

  headerValueContext(): HeaderValueContext {
    return {
      downstreamRemoteAddress: this.view.remoteAddress,
      downstreamRemotePort: this.req.socket.remotePort ?? 0,
      protocol: this.protocol,
      requestHeaders: this.view.headers,
    };
  }

  // ---- the request path ----
  run(): void {
    this.applyEdgeHeaders();
    const mx = this.hcm.proxy.metadataExchange;
    if (mx) {
      if (this.hcm.direction === 'INBOUND') this.peer = mx.take(this.view.headers);
      else mx.announce(this.view.headers);
    }
    this.resolveRoute();
    this.runFilters(0);
  }

  /** x-request-id, x-forwarded-for and x-forwarded-proto, as the HCM sets them. */
  private applyEdgeHeaders(): void {
    const c = this.hcm.config;
    const h = this.view.headers;
    if (c.useRemoteAddress && !c.skipXffAppend) {
      const xff = h['x-forwarded-for'];
      const remote = this.view.remoteAddress.startsWith('::ffff:') ? this.view.remoteAddress.slice(7) : this.view.remoteAddress;
      h['x-forwarded-for'] = xff === undefined ? remote : `${typeof xff === 'string' ? xff : xff.join(',')},${remote}`;
    }
    if (c.useRemoteAddress || h['x-forwarded-proto'] === undefined) h['x-forwarded-proto'] = this.view.scheme;
    if (c.useRemoteAddress) {
      if (isInternalAddress(this.view.remoteAddress)) h['x-envoy-internal'] = 'true';
      else if (h['x-envoy-internal'] !== undefined) delete h['x-envoy-internal'];
    }
    const id = h['x-request-id'];
    if (c.generateRequestId && (id === undefined || (c.useRemoteAddress && !c.preserveExternalRequestId))) {
      h['x-request-id'] = randomUUID();
    }
  }

  private resolveRoute(): void {
    const rc = this.hcm.routeConfiguration();
    if (!rc) return;
    const vh = findVirtualHost(rc, this.view.authority);
    if (!vh) return;
    if (vh.requireTls === 'ALL' || (vh.requireTls === 'EXTERNAL_ONLY' && this.view.headers['x-envoy-internal'] !== 'true')) {
      // Every downstream connection here is plaintext, so the request is redirected to https.
      this.requireTlsRedirect = true;
    }
    const route = findRoute(vh, this.view);
    if (!route) return;
    this.route = route;
    const action = route.action;
    if (!action) return;
    if (action.cluster !== undefined) this.clusterName = action.cluster;
    else if (action.weightedClusters) {
      const w = action.weightedClusters;
      this.weightedCluster = pickWeightedCluster(w, Math.floor(Math.random() * w.totalWeight));
      this.clusterName = this.weightedCluster.name;
    } else if (action.clusterHeader !== undefined) {
      const v = this.view.headers[action.clusterHeader];
      this.clusterName = typeof v === 'string' ? v : undefined;
    }
  }

  private runFilters(from: number): void {
    const filters = this.hcm.config.httpFilters;
    for (let i = from; i < filters.length; i++) {
      const f = filters[i]!;
      if (this.route && this.route.perFilterConfigs.get(f.name) === FILTER_DISABLED) continue;
      const pending = f.onRequest(this);
      if (pending) {
        pending.then(
          () => {
            if (!this.responded && !this.aborted) this.runFilters(i + 1);
          },
          (err: unknown) => this.sendLocalReply(500, `filter ${f.name} failed: ${String(err)}`, 0, 'filter_error'),
        );
        return;
      }
      if (this.responded || this.aborted) return;
    }
    routeRequest(this);
  }

  // ---- FilterContext ----
  perFilterConfig(filterName: string): unknown {
    const w = this.weightedCluster?.perFilterConfigs.get(filterName);
    if (w !== undefined) return w;
    return this.route?.perFilterConfigs.get(filterName);
  }

  addResponseFlag(flag: number): void {
    this.responseFlags |= flag;
  }

  addResponseHeader(name: string, value: string): void {
    (this.extraResponseHeaders ??= []).push([name, value]);
  }

  sendGrpcLocalReply(grpcStatus: number, message: string, responseFlag: number, details: string): void {
    this.responseFlags |= responseFlag;
    this.responseCodeDetails = details;
    if (this.responded) {
      this.res.destroy();
      return;
    }
    this.sendResponse(200, { 'content-type': 'application/grpc', 'grpc-status': String(grpcStatus), 'grpc-message': encodeURIComponent(message), 'content-length': '0' }, undefined);
  }

  /** Response headers every answer gets: route mutations, server, request id, extra cookies. */
  finalizeResponseHeaders(headers: HeaderMap): void {
    const route = this.route;
    if (route && (route.responseHeaders.length > 0 || this.weightedCluster)) {
      const ctx = this.headerValueContext();
      if (this.weightedCluster) applyHeaderMutation(this.weightedCluster.responseHeaders, headers, ctx);
      for (let i = 0; i < route.responseHeaders.length; i++) applyHeaderMutation(route.responseHeaders[i]!, headers, ctx);
    }
    const c = this.hcm.config;
    if (c.serverHeaderTransformation === 'OVERWRITE' || (c.serverHeaderTransformation === 'APPEND_IF_ABSENT' && headers.server === undefined)) {
      headers.server = c.serverName;
    }
    if (c.alwaysSetRequestIdInResponse) {
      const id = this.view.headers['x-request-id'];
      if (id !== undefined) headers['x-request-id'] = id;
    }
    if (route?.virtualHost.includeAttemptCountInResponse && this.attemptCount > 0) headers['x-envoy-attempt-count'] = String(this.attemptCount);
    if (this.extraResponseHeaders) {
      for (const [k, v] of this.extraResponseHeaders) {
        const existing = headers[k];
        headers[k] = existing === undefined ? v : [...(typeof existing === 'string' ? [existing] : existing), v];
      }
    }
    if (this.hcm.direction === 'INBOUND') this.hcm.proxy.metadataExchange?.announce(headers);
    // HTTP/2 has no Connection header; its streams end with the session's GOAWAY instead.
    if ((this.hcm.draining || this.hcm.proxy.draining) && !this.isHttp2) headers.connection = 'close';
  }

  sendLocalReply(status: number, body: string, responseFlag: number, details: string): void {
    this.responseFlags |= responseFlag;
    this.responseCodeDetails = details;
    if (this.responded) {
      // Headers already went out: the only way to signal failure is to reset the stream.
      this.res.destroy();
      return;
    }
    const payload = Buffer.from(body, 'utf8');
    const headers: HeaderMap = {};
    if (payload.length > 0) headers['content-type'] = 'text/plain';
    headers['content-length'] = String(payload.length);
    this.sendResponse(status, headers, payload);
  }

  /** A complete response from the proxy itself (local reply, redirect, direct response). */
  sendResponse(status: number, headers: HeaderMap, body: Buffer | undefined): void {
    this.finalizeResponseHeaders(headers);
    this.responded = true;
    this.responseCode = status;
    this.responseHeaders = headers;
    this.bytesSent = body?.length ?? 0;
    if (this.res.destroyed) return;
    this.res.writeHead(status, headers);
    this.res.end(this.view.method === 'HEAD' ? undefined : body);
  }

  // ---- completion ----
  /** The response finished or was aborted (the HTTP/1.1 codec calls this; HTTP/2 via onResponseClose). */
  onClose(): void {
    if (!this.res.writableFinished) {
      this.aborted = true;
      this.responseFlags |= ResponseFlag.DownstreamConnectionTermination;
      this.upstream?.onDownstreamReset();
      if (!this.responded) this.responseCode = 0;
    }
    this.durationMs = performance.now() - this.startHr;
    this.hcm.onStreamComplete(this);
  }
}

/** The stream a response belongs to, so one shared function serves every response's 'close'. */
export const STREAM_OF_RESPONSE: unique symbol = Symbol('skiff.stream');

/** A module-level listener: no closure is allocated per request. */
export function onResponseClose(this: { [STREAM_OF_RESPONSE]?: HttpStream }): void {
  this[STREAM_OF_RESPONSE]?.onClose();
}
