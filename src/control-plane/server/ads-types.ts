// What the ADS server needs from the rest of the control plane, and what it reports back. The
// server is generic over the push snapshot (the PushContext in production, anything with a
// version in tests) and asks a generator for each proxy's resources, type by type.

import type { JsonObject, PackedAny, XdsNode } from '../../xds/index.js';
import type { ParsedNodeId } from '../model/proxy.js';
import type { PushRequest } from '../model/push-builder.js';

/** An immutable snapshot of config the server pushes from; `version` becomes version_info. */
export interface PushSnapshot {
  readonly version: string;
}

/** One xDS resource as the generator returns it. */
export interface XdsResource {
  /** The resource name proxies subscribe by: Cluster/Listener/RouteConfiguration/Secret `name`,
   * ClusterLoadAssignment `cluster_name`. */
  readonly name: string;
  /**
   * The resource in proto3 JSON (an `@type` equal to the type URL is allowed), or already packed.
   * The server caches the encoding by object identity: never mutate a returned object, return a
   * new one when the resource changes.
   */
  readonly resource: JsonObject | PackedAny;
}

/** A proxy connected over ADS, as the server saw it on its first request. */
export interface ConnectedProxy {
  /** `NODE_ID-N`, unique per stream (Istio's connection id). */
  readonly connectionId: string;
  readonly nodeId: string;
  readonly node: XdsNode;
  /** The node id split Istio-style: type (sidecar/router), IP, pod, namespace, DNS domain. */
  readonly parsed: ParsedNodeId;
  /** The node's metadata (Istio: NAMESPACE, LABELS, ISTIO_VERSION, …), {} when none was sent. */
  readonly metadata: JsonObject;
  /** Remote address of the stream, as grpc-js reports it. */
  readonly peer: string;
  readonly connectedAt: Date;
}

export interface GenerateInput<P extends PushSnapshot, S> {
  readonly proxy: ConnectedProxy;
  /** What `proxyState` returned for this proxy and push. */
  readonly state: S;
  readonly typeUrl: string;
  /** The names the proxy subscribed to, or '*' for a wildcard subscription (LDS/CDS). */
  readonly resourceNames: readonly string[] | '*';
  readonly push: P;
  /** Why the server is generating: a push (with its request), or a proxy's own request. */
  readonly trigger: { readonly kind: 'push'; readonly request: PushRequest } | { readonly kind: 'request' };
}

export interface XdsGenerator<P extends PushSnapshot, S = undefined> {
  /**
   * Called once per proxy per push, before any type is generated: the per-proxy state every type
   * shares (Istio resolves the Proxy, its service instances and SidecarScope here).
   */
  proxyState(proxy: ConnectedProxy, push: P): S;
  /**
   * The proxy's resources of one type. For named subscriptions, resources outside
   * `resourceNames` are dropped by the server. Throwing keeps the proxy's previous config for
   * this type; the error is logged and shown in sync status. The server keeps what it derives
   * from a returned array (encodings, digest) by the array's identity, so a generator may hand
   * several proxies the same array, and must never mutate one it returned.
   */
  generate(input: GenerateInput<P, S>): readonly XdsResource[];
}

/** `istioctl proxy-status` values for one xDS type. */
export type XdsSyncState = 'SYNCED' | 'NOT SENT' | 'STALE' | 'STALE (Never Acknowledged)';

export interface XdsNack {
  readonly nonce: string;
  /** The version the proxy still runs (the last one it accepted). */
  readonly versionInfo: string;
  readonly code: number;
  readonly message: string;
  readonly at: string;
}

export interface XdsTypeSyncStatus {
  readonly typeUrl: string;
  /** CDS, EDS, LDS, RDS, SDS, or the type URL. */
  readonly type: string;
  readonly state: XdsSyncState;
  /** Whether the latest response sent for this type was rejected. */
  readonly nacked: boolean;
  readonly subscribed: readonly string[] | '*' | null;
  readonly versionSent: string | null;
  readonly nonceSent: string | null;
  readonly versionAcked: string | null;
  readonly nonceAcked: string | null;
  readonly resourcesSent: number;
  readonly lastSentAt: string | null;
  readonly lastNack: XdsNack | null;
  /** The last generator or encoding failure for this type, when it has not succeeded since. */
  readonly generateError: string | null;
}

export interface ProxySyncStatus {
  readonly connectionId: string;
  readonly nodeId: string;
  readonly proxyType: string;
  readonly podName: string;
  readonly namespace: string;
  readonly istioVersion: string | null;
  readonly clusterId: string | null;
  readonly connectedAt: string;
  readonly peer: string;
  /** CDS, LDS, EDS, RDS always (NOT SENT when never sent), then any other type the proxy watches. */
  readonly xds: readonly XdsTypeSyncStatus[];
}

export type AdsLogLevel = 'debug' | 'info' | 'warn' | 'error';
export type AdsLogger = (level: AdsLogLevel, message: string) => void;
