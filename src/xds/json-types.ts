// The shapes resources take in Skiff: canonical proto3 JSON (snake_case names, as Envoy's
// config_dump prints them), and the packed Any that travels inside a DiscoveryResponse.

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/** An Envoy resource or typed config in proto3 JSON; `@type` names its message when it is an Any. */
export interface AnyJson extends JsonObject {
  '@type': string;
}

/** A google.protobuf.Any on the wire: the type URL and the encoded message. */
export interface PackedAny {
  type_url: string;
  value: Uint8Array;
}
