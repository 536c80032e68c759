// Small builders for the Envoy v3 shapes every generator uses, written as canonical proto3 JSON
// (snake_case fields, durations like "10s", `Any` as {"@type": ...}).
import { parseDurationMs } from '../../config/schemas/common.js';
import { TYPE_URL } from '../../xds/type-urls.js';

export type Json = Record<string, unknown>;

/**
 * An Istio duration (`10s`, `1.5s`, `100ms`, `1h`) in protobuf JSON form (`10s`, `1.500s`,
 * `0.100s`, `3600s`). Throws on a string that is not a duration (validation rejects those first).
 */
export function protoDuration(istio: string): string {
  const ms = parseDurationMs(istio);
  if (ms === undefined) throw new Error(`"${istio}" is not a duration`);
  const nanos = Math.round(ms * 1e6);
  const seconds = Math.floor(nanos / 1e9);
  const frac = nanos % 1e9;
  if (frac === 0) return `${seconds}s`;
  const digits = String(frac).padStart(9, '0');
  const trimmed = digits.endsWith('000000') ? digits.slice(0, 3) : digits.endsWith('000') ? digits.slice(0, 6) : digits;
  return `${seconds}.${trimmed}s`;
}

export function socketAddress(address: string, port: number): Json {
  return { socket_address: { address, port_value: port } };
}

/** EDS/RDS config source served over the same ADS stream. */
export function adsConfigSource(): Json {
  return { ads: {}, initial_fetch_timeout: '0s', resource_api_version: 'V3' };
}

/** An SDS secret config fetched from the agent's SDS server (`default`, `ROOTCA`, `file-cert:…`). */
export function sdsSecretConfig(name: string): Json {
  return {
    name,
    sds_config: {
      api_config_source: {
        api_type: 'GRPC',
        grpc_services: [{ envoy_grpc: { cluster_name: 'sds-grpc' } }],
        set_node_on_first_message_only: true,
        transport_api_version: 'V3',
      },
      initial_fetch_timeout: '0s',
      resource_api_version: 'V3',
    },
  };
}

export function typed(typeUrl: string, fields: Json = {}): Json {
  return { '@type': typeUrl, ...fields };
}

export function rawBufferTransportSocket(): Json {
  return { name: 'envoy.transport_sockets.raw_buffer', typed_config: typed(TYPE_URL.RAW_BUFFER) };
}

/** Envoy's FractionalPercent from an Istio Percent (0–100, fractional): per million. */
export function fractionalPercent(value: number): Json {
  return { numerator: Math.round(value * 10000), denominator: 'MILLION' };
}

/** Envoy's FractionalPercent from an integer percent. */
export function integerPercent(value: number): Json {
  return { numerator: value, denominator: 'HUNDRED' };
}

/** Removes keys whose value is undefined, so the JSON matches what Envoy prints. */
export function compact<T extends Json>(obj: T): T {
  for (const k of Object.keys(obj)) if (obj[k] === undefined) delete obj[k];
  return obj;
}
