import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serviceEntryBody, type ServiceEntrySpec } from './service-entry.js';
import { badSpecTable, goodSpecTable, type BadSpec } from '../schema-test-kit.js';

const httpPort = { number: 80, name: 'http', protocol: 'HTTP' };
const tlsPort = { number: 443, name: 'tls', protocol: 'TLS' };

// Shapes of Istio's egress tasks (samples/bookinfo/networking/egress-rule-*.yaml) and the
// ServiceEntry reference.
const GOOD: Record<string, ServiceEntrySpec> = {
  'egress to httpbin.org': { hosts: ['httpbin.org'], ports: [httpPort], resolution: 'DNS', location: 'MESH_EXTERNAL' },
  'egress to edition.cnn.com': { hosts: ['edition.cnn.com'], ports: [httpPort, { number: 443, name: 'https', protocol: 'HTTPS' }], resolution: 'DNS' },
  'google apis over TLS': { hosts: ['www.googleapis.com'], ports: [tlsPort], resolution: 'DNS', location: 'MESH_EXTERNAL' },
  'wildcard with resolution NONE': { hosts: ['*.wikipedia.org'], ports: [tlsPort], location: 'MESH_EXTERNAL', resolution: 'NONE' },
  'static endpoints': {
    hosts: ['mymongodb.somedomain'], addresses: ['192.192.192.192/24'], ports: [{ number: 27018, name: 'mongodb', protocol: 'MONGO' }],
    location: 'MESH_INTERNAL', resolution: 'STATIC',
    endpoints: [{ address: '2.2.2.2' }, { address: '3.3.3.3', ports: { mongodb: 27019 }, labels: { app: 'mongo' }, weight: 2 }],
  },
  'DNS endpoints naming other hosts': {
    hosts: ['foo.bar.com'], ports: [httpPort], resolution: 'DNS', location: 'MESH_EXTERNAL',
    endpoints: [{ address: 'us.foo.bar.com', ports: { http: 8080 } }, { address: 'uk.foo.bar.com' }],
  },
  'workload selector for VMs': { hosts: ['details.bookinfo.com'], ports: [{ number: 9080, name: 'http', protocol: 'HTTP', targetPort: 8080 }], resolution: 'STATIC', location: 'MESH_INTERNAL', workloadSelector: { labels: { app: 'details-legacy' } } },
  'unix socket endpoint': { hosts: ['unix.example.com'], ports: [{ number: 80, name: 'http', protocol: 'HTTP' }], resolution: 'STATIC', endpoints: [{ address: 'unix:///var/run/example/socket' }] },
  'dynamic DNS for a wildcard': { hosts: ['*.example.com'], ports: [{ number: 443, name: 'tls', protocol: 'TLS' }], resolution: 'DYNAMIC_DNS', location: 'MESH_EXTERNAL' },
  'exported to nobody': { hosts: ['api.internal'], ports: [httpPort], resolution: 'DNS', exportTo: ['~'] },
};

goodSpecTable('ServiceEntry', serviceEntryBody, GOOD);

const se = (fields: Record<string, unknown>) => ({ hosts: ['api.example.com'], ports: [tlsPort], resolution: 'DNS', ...fields });

const BAD: BadSpec[] = [
  { name: 'no hosts', spec: se({ hosts: [] }), path: 'spec.hosts', message: 'at least one host' },
  { name: 'host "*"', spec: se({ hosts: ['*'], resolution: 'NONE' }), path: 'spec.hosts[0]', message: 'host "*" is not allowed' },
  { name: 'host with port', spec: se({ hosts: ['api.example.com:443'] }), path: 'spec.hosts[0]', message: 'must not include a port' },
  { name: 'unknown resolution', spec: se({ resolution: 'MAGIC' }), path: 'spec.resolution', message: 'expected one of NONE, STATIC, DNS, DNS_ROUND_ROBIN, DYNAMIC_DNS' },
  { name: 'unknown location', spec: se({ location: 'OUTSIDE' }), path: 'spec.location', message: 'expected one of MESH_EXTERNAL, MESH_INTERNAL' },
  { name: 'port number out of range', spec: se({ ports: [{ number: 65536, name: 'https', protocol: 'TLS' }] }), path: 'spec.ports[0].number', message: 'between 1 and 65535' },
  { name: 'port without name', spec: se({ ports: [{ number: 443, protocol: 'TLS' }] }), path: 'spec.ports[0].name', message: 'received undefined' },
  { name: 'bad port name', spec: se({ ports: [{ number: 443, name: 'HTTPS_PORT', protocol: 'TLS' }] }), path: 'spec.ports[0].name', message: 'invalid port name "HTTPS_PORT"' },
  { name: 'unknown protocol', spec: se({ ports: [{ number: 443, name: 'https', protocol: 'SSL' }] }), path: 'spec.ports[0].protocol', message: 'unknown protocol "SSL"' },
  { name: 'duplicate port numbers', spec: se({ ports: [tlsPort, { number: 443, name: 'other', protocol: 'TLS' }] }), path: 'spec.ports[1].number', message: 'duplicate port number 443' },
  { name: 'duplicate port names', spec: se({ ports: [tlsPort, { number: 8443, name: 'tls', protocol: 'TLS' }] }), path: 'spec.ports[1].name', message: 'duplicate port name "tls"' },
  { name: 'bad targetPort', spec: se({ ports: [{ ...tlsPort, targetPort: 0 }] }), path: 'spec.ports[0].targetPort', message: 'between 1 and 65535' },
  { name: 'bad address', spec: se({ addresses: ['10.0.0.300'] }), path: 'spec.addresses[0]', message: 'not a valid IP address' },
  { name: 'CIDR with DNS resolution', spec: se({ addresses: ['10.0.0.0/16'] }), path: 'spec.addresses[0]', message: 'only allowed with resolution NONE or STATIC' },
  { name: 'STATIC without endpoints', spec: se({ hosts: ['db.internal'], ports: [{ number: 5432, name: 'tcp', protocol: 'TCP' }], resolution: 'STATIC' }), path: 'spec', message: 'resolution STATIC needs "endpoints"' },
  { name: 'STATIC endpoint with a host name', spec: se({ resolution: 'STATIC', endpoints: [{ address: 'db.example.com' }] }), path: 'spec.endpoints[0].address', message: 'must be an IP address' },
  { name: 'endpoint port not a service port', spec: se({ resolution: 'STATIC', endpoints: [{ address: '1.1.1.1', ports: { http: 8080 } }] }), path: 'spec.endpoints[0].ports.http', message: 'not one of the ServiceEntry\'s ports' },
  { name: 'endpoint port out of range', spec: se({ resolution: 'STATIC', endpoints: [{ address: '1.1.1.1', ports: { tls: 0 } }] }), path: 'spec.endpoints[0].ports.tls', message: 'between 1 and 65535' },
  { name: 'endpoint without address', spec: se({ resolution: 'DNS', endpoints: [{ ports: { tls: 8443 } }] }), path: 'spec.endpoints[0].address', message: 'address is required' },
  { name: 'unix endpoint behind two ports', spec: se({ resolution: 'STATIC', ports: [tlsPort, httpPort], endpoints: [{ address: 'unix:///run/app.sock' }] }), path: 'spec.endpoints[0].address', message: 'exactly one port' },
  { name: 'endpoints with NONE', spec: se({ resolution: 'NONE', endpoints: [{ address: '1.1.1.1' }] }), path: 'spec.endpoints', message: 'resolution NONE takes no endpoints' },
  { name: 'wildcard host with DNS and no endpoints', spec: se({ hosts: ['*.example.com'] }), path: 'spec.hosts[0]', message: 'cannot be resolved by DNS' },
  { name: 'DNS_ROUND_ROBIN with two endpoints', spec: se({ resolution: 'DNS_ROUND_ROBIN', endpoints: [{ address: 'a.example.com' }, { address: 'b.example.com' }] }), path: 'spec.endpoints', message: 'at most one endpoint' },
  { name: 'DYNAMIC_DNS without a wildcard', spec: se({ resolution: 'DYNAMIC_DNS' }), path: 'spec.hosts[0]', message: 'needs wildcard hosts' },
  { name: 'DYNAMIC_DNS with a TCP port', spec: se({ hosts: ['*.example.com'], resolution: 'DYNAMIC_DNS', ports: [{ number: 5432, name: 'pg', protocol: 'TCP' }] }), path: 'spec.ports[0].protocol', message: 'supports only HTTP, TLS, GRPC and HTTP2' },
  { name: 'several hosts on a TCP port', spec: se({ hosts: ['a.example.com', 'b.example.com'], ports: [{ number: 5432, name: 'pg', protocol: 'TCP' }] }), path: 'spec.ports[0].protocol', message: 'several hosts' },
  { name: 'selector and endpoints', spec: se({ resolution: 'STATIC', workloadSelector: { labels: { app: 'a' } }, endpoints: [{ address: '1.1.1.1' }] }), path: 'spec.workloadSelector', message: 'only one of "workloadSelector" or "endpoints"' },
  { name: 'selector with matchLabels (wrong shape)', spec: se({ resolution: 'STATIC', workloadSelector: { matchLabels: { app: 'a' } } }), path: 'spec.workloadSelector', message: 'unknown field "matchLabels"' },
  { name: 'exportTo "~" with others', spec: se({ exportTo: ['~', '.'] }), path: 'spec.exportTo[0]', message: 'cannot be combined' },
  { name: 'duplicate exportTo', spec: se({ exportTo: ['bookinfo', 'bookinfo'] }), path: 'spec.exportTo[1]', message: 'duplicate entry "bookinfo"' },
];

badSpecTable('ServiceEntry', serviceEntryBody, BAD);

test('the bad ServiceEntry table is not trivial', () => {
  assert.ok(BAD.length >= 25, `only ${BAD.length} cases`);
});
