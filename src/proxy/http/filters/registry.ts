// Every HTTP filter the proxy implements, found by the proto type of its config. A filter that is
// not here cannot be honoured: the listener or route naming it is NACKed.

import { ErrorSink, MessageReader } from '../../config/reader.js';
import type { HttpFilterDefinition } from '../filter.js';
import { corsFilterDefinition } from './cors/index.js';
import { faultFilterDefinition } from './fault/index.js';

export const ROUTER_TYPE = 'envoy.extensions.filters.http.router.v3.Router';

export interface RouterOptions {
  /** Router.suppress_envoy_headers: no x-envoy-* headers added to upstream requests or responses. */
  suppressEnvoyHeaders: boolean;
}

/** Reads the router filter's typed_config; the HCM runs the router itself. */
export function compileRouterOptions(config: unknown, path: string, sink: ErrorSink): RouterOptions {
  const r = MessageReader.of(config, path, sink, {
    fields: ['@type', 'suppress_envoy_headers'],
    ignored: {
      dynamic_stats: 'upstream stats are always recorded',
      start_child_span: 'no request behaviour depends on tracing spans',
    },
  });
  return { suppressEnvoyHeaders: r?.bool('suppress_envoy_headers', false) ?? false };
}

/** envoy.filters.http.router: the terminal filter. */
const routerDefinition: HttpFilterDefinition = {
  configTypes: [ROUTER_TYPE],
  terminal: true,
  compile(config, _name, path, sink) {
    compileRouterOptions(config, path, sink);
    return undefined;
  },
};

const DEFINITIONS: readonly HttpFilterDefinition[] = [routerDefinition, faultFilterDefinition, corsFilterDefinition];

const byConfigType = new Map<string, HttpFilterDefinition>();
const byPerRouteType = new Map<string, HttpFilterDefinition>();
for (const d of DEFINITIONS) {
  for (const t of d.configTypes) byConfigType.set(t, d);
  for (const t of d.perRouteTypes ?? []) byPerRouteType.set(t, d);
}

export function httpFilterByConfigType(type: string, use: 'filter' | 'perRoute'): HttpFilterDefinition | undefined {
  return use === 'filter' ? byConfigType.get(type) : byPerRouteType.get(type);
}

export function supportedHttpFilterTypes(): string[] {
  return [...byConfigType.keys()];
}
