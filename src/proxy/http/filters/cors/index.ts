// envoy.filters.http.cors: definition for the HTTP filter registry.

import type { HttpFilterDefinition } from '../../filter.js';
import { compileCorsFilterConfig, compileCorsPolicy, CORS_POLICY_TYPE, CORS_TYPE } from './config.js';
import { CorsFilter } from './cors-filter.js';

export const corsFilterDefinition: HttpFilterDefinition = {
  configTypes: [CORS_TYPE],
  perRouteTypes: [CORS_POLICY_TYPE],
  compile(config, name, path, sink) {
    return compileCorsFilterConfig(config, path, sink) ? new CorsFilter(name) : undefined;
  },
  compilePerRoute: compileCorsPolicy,
};
