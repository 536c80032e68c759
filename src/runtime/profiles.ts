// Installation profiles, as `istioctl install --set profile=…` chooses components: which gateways
// run next to the control plane. Their Deployments and Services live in istio-system like
// Istio's, so `skiff get pods -n istio-system` shows them.
import type { Resource } from '../config/resource.js';

export const PROFILES = ['default', 'demo', 'minimal', 'empty'] as const;
export type Profile = (typeof PROFILES)[number];

/** Marks the resources a profile installs, so a later profile can remove what it does not want. */
export const COMPONENT_LABEL = 'skiff.io/component';

interface GatewayComponent {
  name: string;
  /** Istio's selector label value (`istio: ingressgateway`). */
  istioLabel: string;
  ports: { name: string; port: number; targetPort: number }[];
}

const INGRESS: GatewayComponent = {
  name: 'istio-ingressgateway',
  istioLabel: 'ingressgateway',
  ports: [{ name: 'http2', port: 80, targetPort: 8080 }, { name: 'https', port: 443, targetPort: 8443 }],
};

const EGRESS: GatewayComponent = {
  name: 'istio-egressgateway',
  istioLabel: 'egressgateway',
  ports: [{ name: 'http2', port: 80, targetPort: 8080 }, { name: 'https', port: 443, targetPort: 8443 }],
};

export function profileComponents(profile: Profile): GatewayComponent[] {
  switch (profile) {
    case 'default': return [INGRESS];
    case 'demo': return [INGRESS, EGRESS];
    case 'minimal':
    case 'empty': return [];
  }
}

/** The ServiceAccount, Deployment and Service of one gateway, in Istio's shapes. */
export function gatewayResources(g: GatewayComponent): Resource[] {
  const labels = { app: g.name, istio: g.istioLabel, [COMPONENT_LABEL]: g.name };
  const meta = (kind: string) => ({ name: g.name, namespace: 'istio-system', labels: kind === 'Deployment' || kind === 'Service' ? labels : { [COMPONENT_LABEL]: g.name } });
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta('ServiceAccount') },
    {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta('Deployment'),
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: g.name, istio: g.istioLabel } },
        template: {
          metadata: { labels: { app: g.name, istio: g.istioLabel, 'sidecar.istio.io/inject': 'false' } },
          spec: {
            serviceAccountName: g.name,
            containers: [{
              name: 'istio-proxy', image: 'docker.io/istio/proxyv2', args: ['proxy', 'router'],
              ports: g.ports.map((p) => ({ containerPort: p.targetPort, protocol: 'TCP' })),
            }],
          },
        },
      },
    },
    {
      apiVersion: 'v1', kind: 'Service', metadata: meta('Service'),
      spec: { type: 'LoadBalancer', selector: { app: g.name, istio: g.istioLabel }, ports: g.ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.targetPort, protocol: 'TCP' })) },
    },
  ];
}
