// Istio's HTTP metadata exchange: a sidecar or gateway tells its peer who it is in
// `x-envoy-peer-metadata` (a base64 protobuf google.protobuf.Struct of its node metadata) and
// `x-envoy-peer-metadata-id` (its node id). Outbound requests carry ours and read the server's
// from the response; inbound requests read the client's and answer with ours. The headers never
// reach the app. Istio's standard metrics take their peer labels from it.

import type { HeaderMap } from '../config/request-view.js';
import { decodeStruct, encodeStruct } from './struct-codec.js';

export const PEER_METADATA = 'x-envoy-peer-metadata';
export const PEER_METADATA_ID = 'x-envoy-peer-metadata-id';

export interface PeerInfo {
  readonly workload: string;
  readonly namespace: string;
  readonly app: string;
  readonly version: string;
  readonly cluster: string;
  /** A stable key for caching label sets. */
  readonly key: string;
}

function str(v: unknown, fallback = 'unknown'): string {
  return typeof v === 'string' && v !== '' ? v : fallback;
}

/**
 * The workload (Deployment) name: WORKLOAD_NAME when sent, else the deployment label the local
 * runtime sets, else the pod name without its ReplicaSet and pod suffixes (`reviews-v1-<rs>-<id>`),
 * as Istio's agent derives it.
 */
export function workloadName(meta: Record<string, unknown>, podName: string | undefined): string | undefined {
  if (typeof meta.WORKLOAD_NAME === 'string' && meta.WORKLOAD_NAME) return meta.WORKLOAD_NAME;
  const labels = (meta.LABELS ?? {}) as Record<string, unknown>;
  const deployment = labels['skiff.io/deployment'];
  if (typeof deployment === 'string' && deployment) return deployment;
  const pod = typeof meta.POD_NAME === 'string' && meta.POD_NAME ? meta.POD_NAME : podName;
  if (!pod) return undefined;
  const m = /^(.+)-[a-z0-9]{5,10}-[a-z0-9]{5}$/.exec(pod);
  return m ? m[1] : pod;
}

export function peerFromMetadata(meta: Record<string, unknown>): PeerInfo {
  const labels = (meta.LABELS ?? {}) as Record<string, unknown>;
  const workload = str(meta.WORKLOAD_NAME);
  const namespace = str(meta.NAMESPACE);
  const app = str(labels['app'] ?? labels['app.kubernetes.io/name']);
  const version = str(labels['version'] ?? labels['app.kubernetes.io/version']);
  const cluster = str(meta.CLUSTER_ID, 'Kubernetes');
  return { workload, namespace, app, version, cluster, key: `${workload}|${namespace}|${app}|${version}|${cluster}` };
}

export class MetadataExchange {
  readonly encoded: string;
  private readonly cache = new Map<string, PeerInfo | null>();

  constructor(readonly nodeId: string, metadata: Record<string, unknown>) {
    const own: Record<string, unknown> = {};
    for (const k of ['WORKLOAD_NAME', 'NAMESPACE', 'LABELS', 'CLUSTER_ID', 'NAME', 'OWNER', 'SERVICE_ACCOUNT', 'MESH_ID']) {
      if (metadata[k] !== undefined) own[k] = metadata[k];
    }
    const workload = workloadName(metadata, nodeId.split('~')[2]?.split('.')[0]);
    if (workload) own.WORKLOAD_NAME = workload;
    this.encoded = encodeStruct(own).toString('base64');
  }

  /** Adds our identity to an outbound request, or to an inbound response. */
  announce(headers: HeaderMap): void {
    headers[PEER_METADATA] = this.encoded;
    headers[PEER_METADATA_ID] = this.nodeId;
  }

  /** Reads and removes the peer's identity; undefined when absent or unreadable. */
  take(headers: HeaderMap): PeerInfo | undefined {
    const v = headers[PEER_METADATA];
    if (v === undefined) return undefined;
    delete headers[PEER_METADATA];
    delete headers[PEER_METADATA_ID];
    if (typeof v !== 'string') return undefined;
    let peer = this.cache.get(v);
    if (peer === undefined) {
      try {
        peer = peerFromMetadata(decodeStruct(Buffer.from(v, 'base64')));
      } catch {
        peer = null;
      }
      // Few distinct peers exist; the bound keeps a misbehaving client from growing the cache.
      if (this.cache.size < 1000) this.cache.set(v, peer);
    }
    return peer ?? undefined;
  }
}
