// The mesh the ADS benchmark loads through the control plane's Kubernetes-shaped API, in Istio's
// own YAML shapes: S ServiceEntries (mesh-internal, STATIC resolution) sharing E endpoints between
// them, and the changes whose propagation is timed: a VirtualService (a full push: routes) and an
// endpoint change (an EDS push).

export const NAMESPACE = 'bench';
const SE_PATH = `/apis/networking.istio.io/v1/namespaces/${NAMESPACE}/serviceentries`;
const VS_PATH = `/apis/networking.istio.io/v1/namespaces/${NAMESPACE}/virtualservices`;

export const serviceHost = (i) => `svc-${i}.${NAMESPACE}.svc.cluster.local`;

/** Endpoint addresses are identifiers in config (no traffic is sent to them); all loopback. */
const endpointAddress = (n) => `127.2.${Math.floor(n / 250)}.${(n % 250) + 1}`;

/** Spreads `endpoints` over `services` as evenly as possible (500 over 100 → 5 each). */
function endpointsFor(service, services, endpoints, shift = 0) {
  const per = Math.floor(endpoints / services) + (service < endpoints % services ? 1 : 0);
  const first = service * Math.floor(endpoints / services) + Math.min(service, endpoints % services);
  return Array.from({ length: per }, (_, k) => ({ address: endpointAddress(first + k + shift), labels: { app: `svc-${service}` } }));
}

function serviceEntry(i, services, endpoints, shift = 0) {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'ServiceEntry',
    metadata: { name: `svc-${i}`, namespace: NAMESPACE },
    spec: {
      hosts: [serviceHost(i)],
      location: 'MESH_INTERNAL',
      ports: [{ number: 80, name: 'http', protocol: 'HTTP' }],
      resolution: 'STATIC',
      endpoints: endpointsFor(i, services, endpoints, shift),
    },
  };
}

/** A small client for the control plane's API: JSON in, JSON out, errors with the server's message. */
export function apiClient(baseUrl) {
  return async function call(method, path, body, contentType = 'application/json') {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': contentType },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) {
      let message = text;
      try {
        message = JSON.parse(text).message ?? text;
      } catch { /* not JSON */ }
      throw new Error(`${method} ${path}: ${res.status} ${message.slice(0, 300)}`);
    }
    return text ? JSON.parse(text) : undefined;
  };
}

/** Creates the namespace and the services. */
export async function loadMesh(call, { services, endpoints }) {
  await call('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } });
  for (let i = 0; i < services; i++) await call('POST', SE_PATH, serviceEntry(i, services, endpoints));
}

/**
 * The change applied in round `round` (1-based): odd rounds apply a VirtualService on svc-0 with a
 * new timeout (every proxy's routes change), even rounds move svc-1's endpoints (every proxy's
 * endpoints for that cluster change).
 */
export function changeFor(round, { services, endpoints }) {
  if (round % 2 === 1) {
    const timeout = `${round}s`;
    const spec = { hosts: [serviceHost(0)], http: [{ timeout, route: [{ destination: { host: serviceHost(0), port: { number: 80 } } }] }] };
    return {
      kind: 'VirtualService',
      apply: (call) => (round === 1
        ? call('POST', VS_PATH, { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'svc-0', namespace: NAMESPACE }, spec })
        : call('PATCH', `${VS_PATH}/svc-0`, { spec }, 'application/merge-patch+json')),
    };
  }
  const target = Math.min(1, services - 1);
  // Shift the endpoint addresses past the whole range so they are new ones.
  const moved = serviceEntry(target, services, endpoints, endpoints + round);
  return {
    kind: 'endpoints',
    apply: (call) => call('PATCH', `${SE_PATH}/svc-${target}`, { spec: { endpoints: moved.spec.endpoints } }, 'application/merge-patch+json'),
  };
}
