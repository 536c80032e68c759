// envoy.filters.http.fault: definition for the HTTP filter registry.

import type { HttpFilterDefinition } from '../../filter.js';
import { compileFaultConfig, HTTP_FAULT_TYPE } from './config.js';
import { FaultFilter } from './fault-filter.js';

export const faultFilterDefinition: HttpFilterDefinition = {
  configTypes: [HTTP_FAULT_TYPE],
  perRouteTypes: [HTTP_FAULT_TYPE],
  compile(config, name, path, sink) {
    const c = compileFaultConfig(config, path, sink);
    return c && new FaultFilter(name, c);
  },
  compilePerRoute: compileFaultConfig,
};
