// src/xds: Envoy v3 protos, type URLs, the proto3-JSON codec and the ADS stream helpers shared by
// the control plane's ADS server and the proxy's ADS client.

export { TYPE_URL, XDS_TYPE_SHORT_NAME, shortTypeName, typeUrlFor, type TypeUrl } from './type-urls.js';
export type { AnyJson, JsonObject, JsonValue, PackedAny } from './json-types.js';
export { XdsCodecError } from './codec-error.js';
export {
  decodeMessage,
  decodeResource,
  encodeMessage,
  encodeResource,
  packAny,
  unpackAny,
  validateResource,
} from './codec.js';
export { typeNameFromUrl } from './json-to-wire.js';
export { protoLoadStats, protoRoot, findMessageType, type ProtoLoadStats } from './proto-root.js';
export { ENVOY_PROTO_FILES } from './proto-files.js';
export {
  decodeDiscoveryRequest,
  decodeDiscoveryResponse,
  encodeDiscoveryRequest,
  encodeDiscoveryResponse,
  type DiscoveryRequest,
  type DiscoveryRequestInit,
  type DiscoveryResponse,
  type RpcStatus,
  type XdsNode,
} from './discovery.js';
export {
  ADS_METHOD_PATH,
  ADS_SERVICE_NAME,
  AdsClient,
  adsServiceDefinition,
  createAdsClient,
  openAdsStream,
  type AdsClientStream,
  type AdsServerStream,
  type AdsServiceHandlers,
} from './ads-service.js';
