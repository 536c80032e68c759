import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Resource } from '../../config/resource.js';
import { kubePortProtocol, parseProtocol } from './protocol.js';
import { RegistrySnapshot } from './service-registry.js';
import { MemoryWorkloadSource, type WorkloadInstance } from './workload.js';

function kubeService(name: string, namespace: string, spec: unknown): Resource {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec };
}

function pod(name: string, labels: Record<string, string>, extra: Partial<WorkloadInstance> = {}): WorkloadInstance {
  return { name, namespace: 'default', address: '10.0.0.1', ports: [{ port: 9080 }], labels, healthy: true, ...extra };
}

describe('port protocol', () => {
  const cases: [number, string | undefined, string | undefined, string | undefined, string][] = [
    [9080, 'http', undefined, undefined, 'HTTP'],
    [9080, 'http-web', undefined, undefined, 'HTTP'],
    [9080, 'http2', undefined, undefined, 'HTTP2'],
    [443, 'https-main', undefined, undefined, 'HTTPS'],
    [9090, 'grpc', undefined, undefined, 'GRPC'],
    [9090, 'grpc-web', undefined, undefined, 'GRPC-Web'],
    [9090, 'grpc-web-ui', undefined, undefined, 'GRPC-Web'],
    [27017, 'mongo', undefined, undefined, 'Mongo'],
    [5432, 'tcp-db', undefined, undefined, 'TCP'],
    [443, 'tls', undefined, undefined, 'TLS'],
    [6379, 'redis', undefined, undefined, 'Redis'],
    [3306, undefined, undefined, undefined, 'TCP'],
    [8080, 'web', undefined, undefined, 'Unsupported'],
    [8080, undefined, undefined, undefined, 'Unsupported'],
    [8080, 'web', undefined, 'http', 'HTTP'],
    [8080, 'tcp', undefined, 'kubernetes.io/h2c', 'HTTP2'],
    [53, 'dns', 'UDP', undefined, 'UDP'],
  ];
  for (const [port, name, l4, app, want] of cases) {
    it(`${name ?? '(unnamed)'}:${port}${app ? ` appProtocol=${app}` : ''} is ${want}`, () => {
      assert.equal(kubePortProtocol(port, name, l4, app), want);
    });
  }
  it('parses ServiceEntry protocol names case-insensitively', () => {
    assert.equal(parseProtocol('HTTP'), 'HTTP');
    assert.equal(parseProtocol('tls'), 'TLS');
    assert.equal(parseProtocol('bogus'), 'Unsupported');
  });
});

describe('RegistrySnapshot', () => {
  const reviews = kubeService('reviews', 'default', { selector: { app: 'reviews' }, ports: [{ name: 'http', port: 9080 }], clusterIP: '10.96.0.10' });
  it('turns a Kubernetes Service into an FQDN service with a VIP', () => {
    const reg = new RegistrySnapshot({ services: [reviews] });
    const [svc] = reg.services;
    assert.equal(svc!.hostname, 'reviews.default.svc.cluster.local');
    assert.deepEqual(svc!.addresses, ['10.96.0.10']);
    assert.equal(svc!.ports[0]!.protocol, 'HTTP');
    assert.equal(svc!.resolution, 'ClientSideLB');
  });

  it('selects endpoints by label in the service namespace only', () => {
    const reg = new RegistrySnapshot({
      services: [reviews],
      workloads: [
        pod('reviews-v1', { app: 'reviews', version: 'v1' }),
        pod('reviews-v2', { app: 'reviews', version: 'v2' }, { address: '10.0.0.2' }),
        pod('ratings-v1', { app: 'ratings' }),
        pod('reviews-other', { app: 'reviews' }, { namespace: 'other' }),
      ],
    });
    const eps = reg.endpoints(reg.services[0]!, 9080);
    assert.deepEqual(eps.map((e) => e.workload.name), ['reviews-v1', 'reviews-v2']);
    assert.deepEqual(eps.map((e) => `${e.address}:${e.port}`), ['10.0.0.1:9080', '10.0.0.2:9080']);
  });

  it('uses the endpoint port the runtime assigns and resolves named target ports', () => {
    const svc = kubeService('web', 'default', { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'web' }] });
    const reg = new RegistrySnapshot({
      services: [svc],
      workloads: [pod('web-1', { app: 'web' }, { address: '127.0.0.1', ports: [{ name: 'web', port: 8080, endpointPort: 41000, appPort: 41001 }] })],
    });
    const [ep] = reg.endpoints(reg.services[0]!, 80);
    assert.equal(ep!.port, 41000);
    assert.equal(ep!.targetPort, 8080);
  });

  it('skips a workload that lacks the named target port', () => {
    const svc = kubeService('web', 'default', { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'web' }] });
    const reg = new RegistrySnapshot({ services: [svc], workloads: [pod('web-1', { app: 'web' })] });
    assert.equal(reg.endpoints(reg.services[0]!, 80).length, 0);
  });

  it('turns each ServiceEntry host into a service, with DNS endpoints for DNS resolution', () => {
    const se: Resource = {
      apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'external', namespace: 'default' },
      spec: { hosts: ['api.example.com', 'www.example.com'], ports: [{ number: 443, name: 'https', protocol: 'TLS' }], resolution: 'DNS', location: 'MESH_EXTERNAL' },
    };
    const reg = new RegistrySnapshot({ serviceEntries: [se] });
    assert.deepEqual(reg.services.map((s) => s.hostname), ['api.example.com', 'www.example.com']);
    const api = reg.servicesByHostname('api.example.com')[0]!;
    assert.equal(api.resolution, 'DNSLB');
    assert.equal(api.meshExternal, true);
    assert.deepEqual(reg.endpoints(api, 443).map((e) => `${e.address}:${e.port}`), ['api.example.com:443']);
  });

  it('uses inline ServiceEntry endpoints and their per-port overrides', () => {
    const se: Resource = {
      apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'vms', namespace: 'default' },
      spec: { hosts: ['vm.internal'], ports: [{ number: 80, name: 'http', protocol: 'HTTP' }], resolution: 'STATIC', location: 'MESH_INTERNAL',
        endpoints: [{ address: '10.1.0.1', ports: { http: 8080 }, labels: { version: 'v1' } }, { address: '10.1.0.2' }] },
    };
    const reg = new RegistrySnapshot({ serviceEntries: [se] });
    const svc = reg.services[0]!;
    assert.equal(svc.meshExternal, false);
    assert.deepEqual(reg.endpoints(svc, 80).map((e) => `${e.address}:${e.port}`), ['10.1.0.1:8080', '10.1.0.2:80']);
  });

  it('lets a ServiceEntry workloadSelector pick WorkloadEntries', () => {
    const se: Resource = {
      apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'vm-svc', namespace: 'default' },
      spec: { hosts: ['vm.default.svc.cluster.local'], ports: [{ number: 9080, name: 'http', protocol: 'HTTP' }], resolution: 'STATIC', location: 'MESH_INTERNAL', workloadSelector: { labels: { app: 'vm' } } },
    };
    const we: Resource = { apiVersion: 'networking.istio.io/v1', kind: 'WorkloadEntry', metadata: { name: 'vm-1', namespace: 'default' }, spec: { address: '10.2.0.1', labels: { app: 'vm' }, serviceAccount: 'vm-sa' } };
    const reg = new RegistrySnapshot({ serviceEntries: [se], workloadEntries: [we] });
    const [ep] = reg.endpoints(reg.services[0]!, 9080);
    assert.equal(ep!.address, '10.2.0.1');
    assert.equal(ep!.workload.serviceAccount, 'vm-sa');
  });

  it('reports a ServiceEntry it cannot use and keeps the others', () => {
    const bad: Resource = { apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'dyn', namespace: 'default' }, spec: { hosts: ['*.example.com'], resolution: 'DYNAMIC_DNS', ports: [{ number: 80, protocol: 'HTTP' }] } };
    const reg = new RegistrySnapshot({ serviceEntries: [bad], services: [reviews] });
    assert.equal(reg.services.length, 1);
    assert.match(reg.problems[0]!.message, /spec\.resolution: DYNAMIC_DNS resolution is not supported/);
  });
});

describe('MemoryWorkloadSource', () => {
  it('lists, updates and removes workloads and tells watchers', () => {
    const source = new MemoryWorkloadSource();
    const events: string[] = [];
    const stop = source.watch((e) => events.push(`${e.type}:${e.workload.name}`));
    source.upsert(pod('b', {}));
    source.upsert(pod('a', {}));
    source.upsert(pod('a', { version: 'v2' }));
    assert.deepEqual(source.list().map((w) => w.name), ['a', 'b']);
    assert.equal(source.get('default', 'a')!.labels.version, 'v2');
    assert.equal(source.remove('default', 'b'), true);
    assert.equal(source.remove('default', 'b'), false);
    stop();
    source.upsert(pod('c', {}));
    assert.deepEqual(events, ['upsert:b', 'upsert:a', 'upsert:a', 'delete:b']);
  });
});
