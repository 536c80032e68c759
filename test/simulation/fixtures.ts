// Fixtures for simulation and golden tests: Bookinfo's Services and replicas as the local runtime
// reports them, an ingress gateway, and helpers to build a push context from Istio YAML.
import { parseAllDocuments } from 'yaml';
import type { Resource } from '../../src/config/resource.js';
import { validateResource } from '../../src/config/validate.js';
import { PushContext } from '../../src/control-plane/model/push-context.js';
import type { MeshConfig } from '../../src/control-plane/model/mesh-config.js';
import { nodeId, type Proxy } from '../../src/control-plane/model/proxy.js';
import type { WorkloadInstance } from '../../src/control-plane/registry/workload.js';

/**
 * Resources from a YAML stream, each validated as `skiff apply` would (a fixture Istio would
 * reject is a broken test); resources without a namespace go to `default`, as kubectl does.
 */
export function yamlResources(text: string, namespace = 'default'): Resource[] {
  return parseAllDocuments(text).map((d) => d.toJS() as Resource).filter((r) => r && r.kind).map((r) => {
    const checked = validateResource(r);
    if (!checked.ok) throw new Error(`invalid fixture ${r.kind} ${r.metadata?.name}: ${checked.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
    return { ...r, metadata: { ...r.metadata, namespace: r.metadata.namespace ?? (r.kind === 'Namespace' ? undefined : namespace) } };
  });
}

export const BOOKINFO_SERVICES = yamlResources(`
apiVersion: v1
kind: Service
metadata: {name: details, labels: {app: details, service: details}}
spec:
  ports: [{port: 9080, name: http}]
  selector: {app: details}
---
apiVersion: v1
kind: Service
metadata: {name: ratings, labels: {app: ratings, service: ratings}}
spec:
  ports: [{port: 9080, name: http}]
  selector: {app: ratings}
---
apiVersion: v1
kind: Service
metadata: {name: reviews, labels: {app: reviews, service: reviews}}
spec:
  ports: [{port: 9080, name: http}]
  selector: {app: reviews}
---
apiVersion: v1
kind: Service
metadata: {name: productpage, labels: {app: productpage, service: productpage}}
spec:
  ports: [{port: 9080, name: http}]
  selector: {app: productpage}
---
apiVersion: v1
kind: Service
metadata: {name: istio-ingressgateway, namespace: istio-system, labels: {istio: ingressgateway}}
spec:
  ports: [{port: 80, name: http2, targetPort: 8080}, {port: 443, name: https, targetPort: 8443}]
  selector: {istio: ingressgateway}
`);

let nextAddress = 10;

/** A Bookinfo replica as the local runtime reports it: loopback address, its own ports. */
export function replica(name: string, labels: Record<string, string>, options: Partial<WorkloadInstance> = {}): WorkloadInstance {
  const n = nextAddress++;
  return {
    name,
    namespace: 'default',
    address: `10.0.0.${n}`,
    ports: [{ name: 'http', port: 9080 }],
    labels,
    serviceAccount: `bookinfo-${labels.app}`,
    healthy: true,
    tlsMode: 'istio',
    ...options,
  };
}

export const BOOKINFO_WORKLOADS: WorkloadInstance[] = [
  replica('details-v1-5f4d584748-abcde', { app: 'details', version: 'v1' }),
  replica('ratings-v1-77f67d8b4d-abcde', { app: 'ratings', version: 'v1' }),
  replica('reviews-v1-5b5d6494f4-abcde', { app: 'reviews', version: 'v1' }),
  replica('reviews-v2-5b667bcbf8-abcde', { app: 'reviews', version: 'v2' }),
  replica('reviews-v3-5b9bd44f4-abcde', { app: 'reviews', version: 'v3' }),
  replica('productpage-v1-564d4686f-abcde', { app: 'productpage', version: 'v1' }),
  {
    name: 'istio-ingressgateway-7d6b8f9c5-abcde', namespace: 'istio-system', address: '10.0.1.1',
    ports: [{ port: 8080 }, { port: 8443 }], labels: { istio: 'ingressgateway', app: 'istio-ingressgateway' },
    serviceAccount: 'istio-ingressgateway-service-account', healthy: true,
  },
];

export function bookinfoPush(networking: string = '', mesh: Partial<MeshConfig> = {}, extra: { workloads?: WorkloadInstance[]; resources?: Resource[] } = {}): PushContext {
  return PushContext.build({
    configs: [...BOOKINFO_SERVICES, ...yamlResources(networking), ...(extra.resources ?? [])],
    workloads: [...BOOKINFO_WORKLOADS, ...(extra.workloads ?? [])],
    mesh,
    version: 'test',
  });
}

/** The sidecar proxy of a Bookinfo replica (by name prefix, `productpage-v1`). */
export function sidecarOf(push: PushContext, prefix: string, namespace = 'default'): Proxy {
  const w = push.registry.workloads.find((x) => x.namespace === namespace && x.name.startsWith(prefix));
  if (!w) throw new Error(`no workload named ${prefix}* in ${namespace}`);
  return push.proxyFor(nodeId('sidecar', w.address, w.name, namespace));
}

export function ingressGateway(push: PushContext): Proxy {
  const w = push.registry.workloads.find((x) => x.labels.istio === 'ingressgateway')!;
  return push.proxyFor(nodeId('router', w.address, w.name, w.namespace));
}
