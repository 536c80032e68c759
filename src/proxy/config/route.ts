// envoy.config.route.v3.Route, compiled with everything the enclosing virtual host and route
// configuration contribute (header mutations in evaluation order, retry policy, mirrors, per-filter
// configs), so the request path reads one object.

import { compileHeaderMutation, type HeaderMutation } from './header-mutation.js';
import { compileDirectResponse, compileRedirect, type DirectResponseAction, type RedirectAction } from './local-responses.js';
import { compilePerFilterConfigs, type PerFilterConfigs } from './per-filter-config.js';
import { ErrorSink, MessageReader } from './reader.js';
import { compileRouteAction, type RequestMirrorPolicy, type RouteAction } from './route-action.js';
import { compileRouteMatch, type RouteMatch } from './route-match.js';
import type { RetryPolicy } from './retry-policy.js';

export interface VirtualHostInfo {
  readonly name: string;
  readonly includeRequestAttemptCount: boolean;
  readonly includeAttemptCountInResponse: boolean;
}

/** What a route inherits from its virtual host and route configuration. */
export interface RouteScope {
  readonly virtualHost: VirtualHostInfo;
  /** Outer levels' mutations, innermost first: [virtual host, route configuration]. */
  readonly requestHeaders: readonly HeaderMutation[];
  readonly responseHeaders: readonly HeaderMutation[];
  /** RouteConfiguration.most_specific_header_mutations_wins. */
  readonly mostSpecificWins: boolean;
  readonly retryPolicy?: RetryPolicy;
  readonly mirrors: readonly RequestMirrorPolicy[];
  readonly perFilterConfigs: PerFilterConfigs;
}

export interface Route {
  readonly name: string;
  readonly match: RouteMatch;
  readonly action?: RouteAction;
  readonly redirect?: RedirectAction;
  readonly directResponse?: DirectResponseAction;
  readonly virtualHost: VirtualHostInfo;
  /** Mutations in the order Envoy evaluates them (a later one wins on conflict). */
  readonly requestHeaders: readonly HeaderMutation[];
  readonly responseHeaders: readonly HeaderMutation[];
  readonly mostSpecificWins: boolean;
  readonly retryPolicy?: RetryPolicy;
  readonly mirrors: readonly RequestMirrorPolicy[];
  /** Route entries over virtual host entries. */
  readonly perFilterConfigs: PerFilterConfigs;
}

const ROUTE_SPEC = {
  fields: [
    'name', 'match', 'route', 'redirect', 'direct_response', 'filter_action', 'non_forwarding_action',
    'typed_per_filter_config', 'request_headers_to_add', 'request_headers_to_remove', 'response_headers_to_add',
    'response_headers_to_remove', 'per_request_buffer_limit_bytes',
  ],
  ignored: {
    metadata: 'route metadata is informational for this proxy',
    decorator: 'the decorator only names tracing spans',
    tracing: 'tracing sampling overrides do not change routing',
    stat_prefix: 'route stats are not emitted per route',
  },
};

const NO_MUTATIONS: readonly HeaderMutation[] = Object.freeze([]);

/** Orders mutations so the one Envoy evaluates last (and which therefore wins) comes last. */
export function orderMutations(innermostFirst: readonly HeaderMutation[], mostSpecificWins: boolean): readonly HeaderMutation[] {
  const nonEmpty = innermostFirst.filter((m) => m.add.length > 0 || m.remove.length > 0);
  // Most routes have none: one shared empty list instead of two per route.
  if (nonEmpty.length === 0) return NO_MUTATIONS;
  return mostSpecificWins ? nonEmpty.reverse() : nonEmpty;
}

export function compileRoute(value: unknown, path: string, sink: ErrorSink, scope: RouteScope): Route | undefined {
  const r = MessageReader.of(value, path, sink, ROUTE_SPEC);
  if (!r) return undefined;
  const before = sink.count;
  if (!r.has('match')) r.error('match', 'is required');
  const match = r.has('match') ? compileRouteMatch(r.raw('match'), r.at('match'), sink) : undefined;
  const kind = r.oneof(['route', 'redirect', 'direct_response', 'filter_action', 'non_forwarding_action'], true);
  let action: RouteAction | undefined;
  let redirect: RedirectAction | undefined;
  let directResponse: DirectResponseAction | undefined;
  if (kind === 'route') action = compileRouteAction(r.raw('route'), r.at('route'), sink);
  else if (kind === 'redirect') redirect = compileRedirect(r.raw('redirect'), r.at('redirect'), sink);
  else if (kind === 'direct_response') directResponse = compileDirectResponse(r.raw('direct_response'), r.at('direct_response'), sink);
  else if (kind) r.error(kind, 'is not supported by the Skiff proxy');

  const own = {
    request: compileHeaderMutation(r, 'request_headers_to_add', 'request_headers_to_remove', sink),
    response: compileHeaderMutation(r, 'response_headers_to_add', 'response_headers_to_remove', sink),
  };
  const ownFilterConfigs = compilePerFilterConfigs(r, 'typed_per_filter_config', sink);
  r.int('per_request_buffer_limit_bytes', 0, 0, 0xffffffff);
  if (sink.count > before || !match) return undefined;

  const perFilterConfigs: PerFilterConfigs =
    ownFilterConfigs.size === 0 ? scope.perFilterConfigs
    : scope.perFilterConfigs.size === 0 ? ownFilterConfigs
    : new Map([...scope.perFilterConfigs, ...ownFilterConfigs]);
  return {
    name: r.string('name') ?? '',
    match,
    action,
    redirect,
    directResponse,
    virtualHost: scope.virtualHost,
    requestHeaders: orderMutations([own.request, ...scope.requestHeaders], scope.mostSpecificWins),
    responseHeaders: orderMutations([own.response, ...scope.responseHeaders], scope.mostSpecificWins),
    mostSpecificWins: scope.mostSpecificWins,
    // A route's own retry policy replaces the virtual host's entirely.
    retryPolicy: action?.retryPolicy ?? scope.retryPolicy,
    mirrors: action && action.mirrors.length > 0 ? action.mirrors : scope.mirrors,
    perFilterConfigs,
  };
}
