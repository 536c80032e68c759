// The Istio resources the conformance tests apply, written as a user writes them in YAML: a
// Kubernetes Service with a `grpc` port, a DestinationRule with one subset per version, and
// VirtualServices with the rules under test.
import type { Resource } from '../../src/config/resource.js';

export const NAMESPACE = 'default';
export const SERVICE = 'reviews';
export const SERVICE_PORT = 9080;
export const SERVICE_HOST = `${SERVICE}.${NAMESPACE}.svc.cluster.local`;
/** The channel target gRPC's xDS resolver turns into the listener name `reviews.default.svc.cluster.local:9080`. */
export const TARGET = `xds:///${SERVICE_HOST}:${SERVICE_PORT}`;

export function grpcService(name = SERVICE, port = SERVICE_PORT): Resource {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: NAMESPACE },
    spec: { selector: { app: name }, ports: [{ name: 'grpc', port, targetPort: port }] },
  };
}

/** A DestinationRule with a subset per `version` label value. */
export function versionSubsets(versions: readonly string[], host = SERVICE): Resource {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: { name: host, namespace: NAMESPACE },
    spec: { host, subsets: versions.map((v) => ({ name: v, labels: { version: v } })) },
  };
}

/** A VirtualService for the service with these `http` rules. */
export function virtualService(http: unknown[], host = SERVICE): Resource {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: host, namespace: NAMESPACE },
    spec: { hosts: [host], http },
  };
}

/** `route: [{ destination: { host, subset } }]` for one subset. */
export function toSubset(subset: string, host = SERVICE): unknown[] {
  return [{ destination: { host, subset } }];
}
