// typed_per_filter_config on virtual hosts, routes and weighted clusters. Each entry is checked
// against the HTTP filter that owns its config type, so a per-route config no filter here can read
// is an error (unless marked optional), as Envoy rejects it.

import { httpFilterByConfigType } from '../http/filters/registry.js';
import { anyTypeName, ErrorSink, isObject, MessageReader } from './reader.js';

/** The filter is switched off for this route (FilterConfig.disabled). */
export const FILTER_DISABLED: unique symbol = Symbol('filter disabled');

/** Keyed by the filter's instance name in the HCM (`envoy.filters.http.fault`). */
export type PerFilterConfigs = ReadonlyMap<string, unknown>;

export const NO_PER_FILTER_CONFIGS: PerFilterConfigs = new Map();

const FILTER_CONFIG_TYPE = 'envoy.config.route.v3.FilterConfig';

export function compilePerFilterConfigs(r: MessageReader, key: string, sink: ErrorSink): PerFilterConfigs {
  const entries = r.map(key);
  if (entries.length === 0) return NO_PER_FILTER_CONFIGS;
  const out = new Map<string, unknown>();
  for (const { key: name, value, path } of entries) {
    let config: unknown = value;
    let configPath = path;
    let optional = false;
    if (anyTypeName(value) === FILTER_CONFIG_TYPE) {
      const fc = MessageReader.of(value, path, sink, { fields: ['@type', 'config', 'is_optional', 'disabled'] });
      if (!fc) continue;
      optional = fc.bool('is_optional', false);
      if (fc.bool('disabled', false)) {
        out.set(name, FILTER_DISABLED);
        continue;
      }
      config = fc.raw('config');
      configPath = fc.at('config');
      if (!isObject(config)) {
        fc.error('config', 'is required unless disabled is true');
        continue;
      }
    }
    const type = anyTypeName(config);
    if (type === undefined) {
      sink.add(configPath, 'expected a google.protobuf.Any with an @type');
      continue;
    }
    const def = httpFilterByConfigType(type, 'perRoute');
    if (!def?.compilePerRoute) {
      if (!optional) sink.add(configPath, `no HTTP filter in the Skiff proxy takes per-route config of type ${type}`);
      continue;
    }
    const compiled = def.compilePerRoute(config, configPath, sink);
    if (compiled !== undefined) out.set(name, compiled);
  }
  return out;
}
