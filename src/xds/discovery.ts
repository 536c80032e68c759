// DiscoveryRequest and DiscoveryResponse (envoy.service.discovery.v3) as they travel on an ADS
// stream. The envelope is JSON-shaped; the resources in a response stay packed Anys (type URL +
// encoded bytes) so the server encodes each resource once per push and the client decodes them one
// by one (unpackAny), turning a bad resource into a NACK rather than a broken stream.

import { XdsCodecError } from './codec-error.js';
import type { JsonObject, PackedAny } from './json-types.js';
import { jsonToWire } from './json-to-wire.js';
import { findMessageType } from './proto-root.js';
import { decodeWire, wireToJson } from './wire-to-json.js';
import { writeDiscoveryResponse } from './response-wire.js';
import { readAck, writeAck } from './request-wire.js';
import type protobuf from 'protobufjs';

/** envoy.config.core.v3.Node in proto3 JSON; the fields Skiff reads are typed. */
export interface XdsNode {
  /** Istio: `sidecar~10.0.0.1~productpage-v1-abc.default~default.svc.cluster.local`. */
  id?: string;
  cluster?: string;
  /** Istio's node metadata (NAMESPACE, LABELS, ISTIO_VERSION, …) as plain JSON. */
  metadata?: JsonObject;
  locality?: { region?: string; zone?: string; sub_zone?: string };
  user_agent_name?: string;
  user_agent_version?: string;
  client_features?: string[];
}

/** google.rpc.Status, sent by a client in error_detail when it NACKs. */
export interface RpcStatus {
  code: number;
  message: string;
  details?: PackedAny[];
}

export interface DiscoveryRequest {
  /** The version the client last accepted for this type ('' before the first ACK). */
  version_info: string;
  /** Sent on the first request of a stream (Envoy may repeat it). */
  node?: XdsNode;
  /** Named subscriptions; empty means wildcard for LDS and CDS. Decoded ACKs share frozen lists. */
  resource_names: readonly string[];
  type_url: string;
  /** The nonce of the response this request answers; '' on the first request for a type. */
  response_nonce: string;
  /** Set when the client rejects (NACKs) the response named by response_nonce. */
  error_detail?: RpcStatus;
}

export interface DiscoveryResponse {
  version_info: string;
  resources: readonly PackedAny[];
  type_url: string;
  nonce: string;
  control_plane?: { identifier: string };
}

/** What a caller fills in to send a request; the rest defaults to proto3 defaults. */
export type DiscoveryRequestInit = Partial<DiscoveryRequest> & { type_url: string };

const REQUEST = 'envoy.service.discovery.v3.DiscoveryRequest';
const RESPONSE = 'envoy.service.discovery.v3.DiscoveryResponse';
const NODE = 'envoy.config.core.v3.Node';

function type(name: string): protobuf.Type {
  const t = findMessageType(name);
  if (!t) throw new Error(`${name} is not loaded; check ENVOY_PROTO_FILES`);
  return t;
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function packedList(list: unknown, path: string): PackedAny[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new XdsCodecError(path, 'expected an array of packed Anys');
  return list.map((a, i) => {
    const any = a as Partial<PackedAny> | null;
    if (!any || typeof any.type_url !== 'string' || !(any.value instanceof Uint8Array)) {
      throw new XdsCodecError(`${path}[${i}]`, 'expected a packed Any { type_url, value: bytes } (see packAny)');
    }
    return { type_url: any.type_url, value: any.value };
  });
}

export function encodeDiscoveryRequest(request: DiscoveryRequestInit): Buffer {
  if (!request.node && !request.error_detail) {
    // An ACK (or a subscription change): the hand-written writer, which keeps a frozen names list's bytes.
    return writeAck({ version_info: request.version_info ?? '', resource_names: request.resource_names ?? [], type_url: request.type_url, response_nonce: request.response_nonce ?? '' });
  }
  try {
    const wire: Record<string, unknown> = {
      version_info: request.version_info ?? '',
      resource_names: request.resource_names ?? [],
      type_url: request.type_url,
      response_nonce: request.response_nonce ?? '',
    };
    if (request.node) wire['node'] = jsonToWire(type(NODE), request.node, { parent: undefined, segment: 'node' });
    if (request.error_detail) {
      wire['error_detail'] = {
        code: request.error_detail.code,
        message: request.error_detail.message,
        details: packedList(request.error_detail.details, 'error_detail.details'),
      };
    }
    return toBuffer(type(REQUEST).encode(wire).finish());
  } catch (e) {
    if (e instanceof XdsCodecError && e.rootType === undefined) throw e.withRootType(REQUEST);
    throw e;
  }
}

export function decodeDiscoveryRequest(bytes: Uint8Array): DiscoveryRequest {
  let ack;
  try {
    ack = readAck(bytes);
  } catch (e) {
    throw new XdsCodecError(undefined, `cannot decode ${REQUEST}: ${(e as Error).message}`);
  }
  if (ack) return { ...ack };
  const wire = decodeWire(type(REQUEST), bytes, undefined);
  const request: DiscoveryRequest = {
    version_info: (wire['version_info'] as string | undefined) ?? '',
    resource_names: [...((wire['resource_names'] as string[] | undefined) ?? [])],
    type_url: (wire['type_url'] as string | undefined) ?? '',
    response_nonce: (wire['response_nonce'] as string | undefined) ?? '',
  };
  const node = wire['node'] as Record<string, unknown> | null | undefined;
  if (node) {
    try {
      request.node = wireToJson(type(NODE), node, { parent: undefined, segment: 'node' }) as XdsNode;
    } catch (e) {
      if (e instanceof XdsCodecError) throw e.withRootType(REQUEST);
      throw e;
    }
  }
  const status = wire['error_detail'] as Record<string, unknown> | null | undefined;
  if (status) {
    request.error_detail = {
      code: Number(status['code'] ?? 0),
      message: String(status['message'] ?? ''),
      details: packedList(status['details'], 'error_detail.details'),
    };
  }
  return request;
}

/**
 * The response's bytes. A frozen `resources` list is encoded once and reused for every response
 * that carries it (see response-wire.ts), and a frozen response is encoded once whole.
 */
/** Bytes of frozen responses: a server sends one response object to every proxy that gets the same list. */
const encodedResponses = new WeakMap<DiscoveryResponse, Buffer>();

export function encodeDiscoveryResponse(response: DiscoveryResponse): Buffer {
  try {
    const cached = encodedResponses.get(response);
    if (cached) return cached;
    const bytes = writeDiscoveryResponse(response);
    if (Object.isFrozen(response) && Object.isFrozen(response.resources)) encodedResponses.set(response, bytes);
    return bytes;
  } catch (e) {
    if (e instanceof XdsCodecError && e.rootType === undefined) throw e.withRootType(RESPONSE);
    throw e;
  }
}

export function decodeDiscoveryResponse(bytes: Uint8Array): DiscoveryResponse {
  const wire = decodeWire(type(RESPONSE), bytes, undefined);
  const response: DiscoveryResponse = {
    version_info: (wire['version_info'] as string | undefined) ?? '',
    resources: packedList(wire['resources'], 'resources').map((a) => ({ type_url: a.type_url, value: toBuffer(a.value) })),
    type_url: (wire['type_url'] as string | undefined) ?? '',
    nonce: (wire['nonce'] as string | undefined) ?? '',
  };
  const controlPlane = wire['control_plane'] as { identifier?: string } | null | undefined;
  if (controlPlane) response.control_plane = { identifier: controlPlane.identifier ?? '' };
  return response;
}
