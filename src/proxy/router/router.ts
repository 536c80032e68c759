// The router filter: answers from the route (no route, direct response, redirect) or forwards the
// request to the route's cluster with its header mutations and rewrites applied. Timeouts, retries
// and the upstream exchange live in UpstreamRequest.

import { applyHeaderMutation } from '../config/header-mutation.js';
import type { HeaderMap } from '../config/request-view.js';
import { computeHash } from '../config/hash-policy.js';
import type { HttpStream } from '../http/stream.js';
import { ResponseFlag } from '../telemetry/response-flags.js';
import { redirectLocation, rewritePath } from './path-rewrite.js';
import { UpstreamRequest } from './upstream-request.js';
import { randomBytes } from 'node:crypto';

function generatedCookie(): string {
  return randomBytes(8).toString('hex');
}

export function routeRequest(stream: HttpStream): void {
  const route = stream.route;
  if (!route) {
    stream.hcm.noteNoRoute();
    stream.sendLocalReply(404, '', ResponseFlag.NoRouteFound, 'route_not_found');
    return;
  }
  if (stream.requireTlsRedirect) {
    stream.responseCodeDetails = 'direct_response';
    stream.sendResponse(301, { location: `https://${stream.view.authority}${stream.view.path}`, 'content-length': '0' }, undefined);
    return;
  }
  if (route.directResponse) {
    const d = route.directResponse;
    const headers: HeaderMap = {};
    if (d.body && d.body.length > 0) headers['content-type'] = 'text/plain';
    headers['content-length'] = String(d.body?.length ?? 0);
    stream.responseCodeDetails = 'direct_response';
    stream.sendResponse(d.status, headers, d.body);
    return;
  }
  if (route.redirect) {
    const headers: HeaderMap = { location: redirectLocation(route.redirect, stream.view, route.match), 'content-length': '0' };
    stream.responseCodeDetails = 'direct_response';
    stream.sendResponse(route.redirect.responseCode, headers, undefined);
    return;
  }
  const action = route.action!;
  const clusterName = stream.clusterName;
  const cluster = clusterName === undefined ? undefined : stream.hcm.proxy.clusters.get(clusterName);
  if (!cluster) {
    stream.sendLocalReply(action.clusterNotFoundCode, '', ResponseFlag.NoClusterFound, 'cluster_not_found');
    return;
  }
  stream.upstreamCluster = cluster.name;

  const view = stream.view;
  const headers = view.headers;
  // Request header mutations: weighted cluster, route, virtual host, route configuration.
  if (stream.weightedCluster || route.requestHeaders.length > 0) {
    const ctx = stream.headerValueContext();
    if (stream.weightedCluster) applyHeaderMutation(stream.weightedCluster.requestHeaders, headers, ctx);
    for (let i = 0; i < route.requestHeaders.length; i++) applyHeaderMutation(route.requestHeaders[i]!, headers, ctx);
  }
  let path = view.path;
  if (action.prefixRewrite !== undefined || action.regexRewrite) {
    path = rewritePath(view.path, route.match, action.prefixRewrite, action.regexRewrite);
    if (path !== view.path) headers['x-envoy-original-path'] = view.path;
  }
  const hostRewrite = stream.weightedCluster?.hostRewriteLiteral ?? action.hostRewriteLiteral;
  let authority = view.authority;
  if (hostRewrite !== undefined) authority = hostRewrite;
  else if (action.hostRewriteHeader !== undefined) {
    const v = headers[action.hostRewriteHeader];
    if (typeof v === 'string' && v !== '') authority = v;
  }
  if (authority !== view.authority && action.appendXForwardedHost) {
    const xfh = headers['x-forwarded-host'];
    headers['x-forwarded-host'] = xfh === undefined ? view.authority : `${typeof xfh === 'string' ? xfh : xfh.join(',')},${view.authority}`;
  }
  headers.host = authority;

  let hash: number | undefined;
  const policy = cluster.config.lb.policy;
  if ((policy === 'RING_HASH' || policy === 'MAGLEV') && action.hashPolicies.length > 0) {
    const r = computeHash(action.hashPolicies, view, generatedCookie);
    hash = r.hash;
    if (r.setCookie) (stream.extraResponseHeaders ??= []).push(['set-cookie', r.setCookie]);
  }
  const upstream = new UpstreamRequest(stream, cluster, action, route.retryPolicy, path, hash);
  stream.upstream = upstream;
  for (const m of route.mirrors) {
    if (m.fraction >= 1 || Math.random() < m.fraction) upstream.mirrorTo(m.cluster);
  }
  upstream.start();
}
