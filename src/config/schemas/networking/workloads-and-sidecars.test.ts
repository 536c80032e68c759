// Sidecar, WorkloadEntry, WorkloadGroup and EnvoyFilter: good shapes from Istio's reference docs,
// and the mistakes each schema must name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { envoyFilterBody } from './envoy-filter.js';
import { sidecarBody } from './sidecar.js';
import { workloadEntryBody } from './workload-entry.js';
import { workloadGroupBody } from './workload-group.js';
import { assertValid, badSpecTable, type BadSpec } from '../schema-test-kit.js';

test('Sidecar accepts Istio reference shapes', () => {
  assertValid(sidecarBody, { egress: [{ hosts: ['./*', 'istio-system/*'] }] }, 'namespace default');
  assertValid(sidecarBody, {
    workloadSelector: { labels: { app: 'ratings' } },
    ingress: [{ port: { number: 9080, protocol: 'HTTP', name: 'somename' }, defaultEndpoint: 'unix:///var/run/someuds.sock' }],
    egress: [
      { port: { number: 9080, protocol: 'HTTP', name: 'egresshttp' }, hosts: ['prod-us1/*'] },
      { hosts: ['istio-system/*'] },
    ],
    outboundTrafficPolicy: { mode: 'ALLOW_ANY', egressProxy: { host: 'egress.example.com', port: { number: 3128 } } },
    inboundConnectionPool: { http: { http1MaxPendingRequests: 1024 } },
  }, 'ratings');
  assertValid(sidecarBody, {
    ingress: [{ port: { number: 8443, protocol: 'HTTPS', name: 'external' }, defaultEndpoint: '127.0.0.1:8080', tls: { mode: 'SIMPLE', privateKey: '/etc/key.pem', serverCertificate: '/etc/cert.pem' } }],
  }, 'ingress TLS');
  assertValid(sidecarBody, { egress: [{ port: { number: 0, protocol: 'HTTP', name: 'uds' }, bind: 'unix:///var/run/egress.sock', captureMode: 'NONE', hosts: ['*/*'] }] }, 'uds egress');
});

const egress = (l: Record<string, unknown>) => ({ egress: [{ hosts: ['./*'], ...l }] });
const ingress = (l: Record<string, unknown>) => ({ ingress: [{ port: { number: 9080, protocol: 'HTTP', name: 'http' }, ...l }] });

const SIDECAR_BAD: BadSpec[] = [
  { name: 'empty Sidecar', spec: {}, path: 'spec', message: 'needs at least one of ingress, egress' },
  { name: 'egress host without namespace', spec: egress({ hosts: ['reviews.default.svc.cluster.local'] }), path: 'spec.egress[0].hosts[0]', message: 'must be of the form namespace/host' },
  { name: 'egress short host', spec: egress({ hosts: ['default/reviews'] }), path: 'spec.egress[0].hosts[0]', message: 'short host name "reviews"' },
  { name: 'egress bad namespace', spec: egress({ hosts: ['Bad_NS/*'] }), path: 'spec.egress[0].hosts[0]', message: 'invalid namespace "Bad_NS"' },
  { name: 'egress without hosts', spec: egress({ hosts: [] }), path: 'spec.egress[0].hosts', message: 'at least one host' },
  { name: 'catch-all egress not last', spec: { egress: [{ hosts: ['./*'] }, { port: { number: 80, protocol: 'HTTP', name: 'http' }, hosts: ['./*'] }] }, path: 'spec.egress[0].port', message: 'only the last egress listener' },
  { name: 'egress port 0 without a unix socket', spec: egress({ port: { number: 0, protocol: 'HTTP' } }), path: 'spec.egress[0].bind', message: 'unix domain socket' },
  { name: 'duplicate egress ports', spec: { egress: [{ port: { number: 80, protocol: 'HTTP' }, hosts: ['./*'] }, { port: { number: 80, protocol: 'HTTP' }, hosts: ['ns/*'] }] }, path: 'spec.egress[1].port.number', message: 'already used' },
  { name: 'ingress protocol', spec: ingress({ port: { number: 9080, protocol: 'HTTTP' } }), path: 'spec.ingress[0].port.protocol', message: 'unknown protocol "HTTTP"' },
  { name: 'ingress port out of range', spec: ingress({ port: { number: 70000, protocol: 'HTTP' } }), path: 'spec.ingress[0].port.number', message: 'between 1 and 65535' },
  { name: 'ingress defaultEndpoint on another host', spec: ingress({ defaultEndpoint: '10.0.0.1:8080' }), path: 'spec.ingress[0].defaultEndpoint', message: 'defaultEndpoint must be 127.0.0.1:<port>' },
  { name: 'ingress tls on an HTTP port', spec: ingress({ tls: { mode: 'SIMPLE', privateKey: '/k', serverCertificate: '/c' } }), path: 'spec.ingress[0].tls', message: 'protocol HTTPS or TLS' },
  { name: 'ingress tls ISTIO_MUTUAL', spec: ingress({ port: { number: 8443, protocol: 'HTTPS' }, tls: { mode: 'ISTIO_MUTUAL' } }), path: 'spec.ingress[0].tls.mode', message: 'cannot be used in Sidecar ingress tls' },
  { name: 'ingress tls credentialName', spec: ingress({ port: { number: 8443, protocol: 'HTTPS' }, tls: { mode: 'SIMPLE', credentialName: 'x' } }), path: 'spec.ingress[0].tls.credentialName', message: 'not supported in Sidecar ingress tls' },
  { name: 'captureMode enum', spec: egress({ captureMode: 'EBPF' }), path: 'spec.egress[0].captureMode', message: 'expected one of DEFAULT, IPTABLES, NONE' },
  { name: 'egressProxy with REGISTRY_ONLY', spec: { outboundTrafficPolicy: { mode: 'REGISTRY_ONLY', egressProxy: { host: 'proxy.example.com', port: { number: 3128 } } } }, path: 'spec.outboundTrafficPolicy.egressProxy', message: 'needs mode ALLOW_ANY' },
  { name: 'outbound mode enum', spec: { outboundTrafficPolicy: { mode: 'ALLOW_ALL' } }, path: 'spec.outboundTrafficPolicy.mode', message: 'expected one of REGISTRY_ONLY, ALLOW_ANY' },
  { name: 'selector with a wildcard', spec: { workloadSelector: { labels: { app: '*' } }, egress: [{ hosts: ['./*'] }] }, path: 'spec.workloadSelector.labels.app', message: 'invalid label value' },
];
badSpecTable('Sidecar', sidecarBody, SIDECAR_BAD);

test('WorkloadEntry accepts Istio reference shapes', () => {
  assertValid(workloadEntryBody, { serviceAccount: 'details-legacy', address: '2.2.2.2', labels: { app: 'details-legacy', 'instance-id': 'vm1' } }, 'VM by IP');
  assertValid(workloadEntryBody, { address: 'vm1.vpc01.corp.net', ports: { http: 8080 }, network: 'vpc1', locality: 'us-east/zone1', weight: 10 }, 'VM by name');
  assertValid(workloadEntryBody, { network: 'remote', labels: { app: 'x' } }, 'address left to the network gateway');
  assertValid(workloadEntryBody, { address: 'unix:///var/run/app.sock' }, 'unix socket');
});

const WORKLOAD_ENTRY_BAD: BadSpec[] = [
  { name: 'no address and no network', spec: { labels: { app: 'a' } }, path: 'spec.address', message: 'address is required' },
  { name: 'address neither IP nor host name', spec: { address: 'not an address' }, path: 'spec.address', message: 'neither an IP address nor a valid host name' },
  { name: 'unix socket with ports', spec: { address: 'unix:///run/a.sock', ports: { http: 80 } }, path: 'spec.ports', message: 'cannot have ports' },
  { name: 'relative unix socket', spec: { address: 'unix://run/a.sock' }, path: 'spec.address', message: 'absolute path' },
  { name: 'port out of range', spec: { address: '1.1.1.1', ports: { http: 0 } }, path: 'spec.ports.http', message: 'between 1 and 65535' },
  { name: 'bad port name', spec: { address: '1.1.1.1', ports: { 'http web': 80 } }, path: 'spec.ports.http web', message: 'invalid port name' },
  { name: 'negative weight', spec: { address: '1.1.1.1', weight: -1 }, path: 'spec.weight', message: '0 or more' },
  { name: 'label value not a string', spec: { address: '1.1.1.1', labels: { version: 1 } }, path: 'spec.labels.version', message: 'label values must be strings' },
  { name: 'unknown field', spec: { address: '1.1.1.1', serviceaccount: 'x' }, path: 'spec', message: 'unknown field "serviceaccount"' },
];
badSpecTable('WorkloadEntry', workloadEntryBody, WORKLOAD_ENTRY_BAD);

test('WorkloadGroup accepts the Istio reference shape', () => {
  assertValid(workloadGroupBody, {
    metadata: { labels: { app: 'foo' }, annotations: { 'sidecar.istio.io/inject': 'true' } },
    template: { ports: { grpc: 3550, http: 8080 }, serviceAccount: 'default' },
    probe: { initialDelaySeconds: 5, timeoutSeconds: 3, periodSeconds: 4, successThreshold: 3, failureThreshold: 3, httpGet: { path: '/foo/bar', host: '127.0.0.1', port: 3100, scheme: 'HTTPS', httpHeaders: [{ name: 'Lit-Header', value: 'Im-The-Best' }] } },
  }, 'WorkloadGroup');
  assertValid(workloadGroupBody, { template: {}, probe: { exec: { command: ['./check.sh'] } } }, 'exec probe');
});

const WORKLOAD_GROUP_BAD: BadSpec[] = [
  { name: 'no template', spec: { metadata: { labels: { app: 'a' } } }, path: 'spec.template', message: 'received undefined' },
  { name: 'probe without a method', spec: { template: {}, probe: { periodSeconds: 5 } }, path: 'spec.probe', message: 'needs one of httpGet, tcpSocket, exec or grpc' },
  { name: 'probe with two methods', spec: { template: {}, probe: { tcpSocket: { port: 80 }, exec: { command: ['x'] } } }, path: 'spec.probe', message: 'only one of' },
  { name: 'negative probe period', spec: { template: {}, probe: { periodSeconds: -1, tcpSocket: { port: 80 } } }, path: 'spec.probe.periodSeconds', message: '0 or more' },
  { name: 'probe scheme', spec: { template: {}, probe: { httpGet: { port: 80, scheme: 'ftp' } } }, path: 'spec.probe.httpGet.scheme', message: 'expected HTTP or HTTPS' },
  { name: 'probe header name', spec: { template: {}, probe: { httpGet: { port: 80, httpHeaders: [{ name: 'x_y', value: '1' }] } } }, path: 'spec.probe.httpGet.httpHeaders[0].name', message: 'not a valid header name' },
  { name: 'exec without command', spec: { template: {}, probe: { exec: { command: [] } } }, path: 'spec.probe.exec.command', message: 'needs a command' },
  { name: 'template port out of range', spec: { template: { ports: { http: 70000 } } }, path: 'spec.template.ports.http', message: 'between 1 and 65535' },
];
badSpecTable('WorkloadGroup', workloadGroupBody, WORKLOAD_GROUP_BAD);

test('EnvoyFilter accepts Istio reference shapes', () => {
  assertValid(envoyFilterBody, {
    workloadSelector: { labels: { app: 'reviews' } },
    configPatches: [
      {
        applyTo: 'HTTP_FILTER',
        match: { context: 'SIDECAR_INBOUND', proxy: { proxyVersion: '^1\\.2.*' }, listener: { portNumber: 8080, filterChain: { filter: { name: 'envoy.filters.network.http_connection_manager', subFilter: { name: 'envoy.filters.http.router' } } } } },
        patch: { operation: 'INSERT_BEFORE', value: { name: 'envoy.lua', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua', inlineCode: 'function envoy_on_request(h) end' } } },
      },
      { applyTo: 'CLUSTER', match: { context: 'SIDECAR_OUTBOUND', cluster: { service: 'reviews.default.svc.cluster.local' } }, patch: { operation: 'MERGE', value: { connect_timeout: '0.5s' } } },
      { applyTo: 'NETWORK_FILTER', match: { listener: { filterChain: { filter: { name: 'envoy.filters.network.tcp_proxy' } } } }, patch: { operation: 'REMOVE' } },
      { applyTo: 'VIRTUAL_HOST', match: { routeConfiguration: { vhost: { name: 'reviews:9080', route: { action: 'ANY' } } } }, patch: { operation: 'MERGE', value: { include_request_attempt_count: true } } },
    ],
    priority: -10,
  }, 'EnvoyFilter');
});

const patch = (cp: Record<string, unknown>) => ({ configPatches: [{ applyTo: 'CLUSTER', patch: { operation: 'MERGE', value: {} }, ...cp }] });

const ENVOY_FILTER_BAD: BadSpec[] = [
  { name: 'missing applyTo', spec: { configPatches: [{ patch: { operation: 'MERGE', value: {} } }] }, path: 'spec.configPatches[0].applyTo', message: 'needs applyTo' },
  { name: 'unknown applyTo', spec: patch({ applyTo: 'ROUTE' }), path: 'spec.configPatches[0].applyTo', message: 'expected one of LISTENER' },
  { name: 'missing patch', spec: { configPatches: [{ applyTo: 'CLUSTER' }] }, path: 'spec.configPatches[0].patch', message: 'needs a patch' },
  { name: 'missing operation', spec: patch({ patch: { value: {} } }), path: 'spec.configPatches[0].patch.operation', message: 'needs an operation' },
  { name: 'MERGE without value', spec: patch({ patch: { operation: 'MERGE' } }), path: 'spec.configPatches[0].patch.value', message: 'needs a value' },
  { name: 'value not a map', spec: patch({ patch: { operation: 'ADD', value: 'name: x' } }), path: 'spec.configPatches[0].patch.value', message: 'expected a map' },
  { name: 'cluster patch with a listener match', spec: patch({ match: { listener: { portNumber: 80 } } }), path: 'spec.configPatches[0].match', message: 'needs a cluster match' },
  { name: 'subFilter outside HTTP_FILTER', spec: patch({ applyTo: 'NETWORK_FILTER', match: { listener: { filterChain: { filter: { name: 'envoy.filters.network.http_connection_manager', subFilter: { name: 'x' } } } } } }), path: 'spec.configPatches[0].match.listener.filterChain.filter.subFilter', message: 'only be used with applyTo HTTP_FILTER' },
  { name: 'bad proxyVersion regex', spec: patch({ match: { proxy: { proxyVersion: '1.2(' } } }), path: 'spec.configPatches[0].match.proxy.proxyVersion', message: 'proxyVersion must be a regex' },
  { name: 'waypoint match outside WAYPOINT context', spec: patch({ match: { waypoint: { portNumber: 80 } } }), path: 'spec.configPatches[0].match.waypoint', message: 'needs context WAYPOINT' },
  { name: 'selector and targetRefs', spec: { workloadSelector: { labels: { app: 'a' } }, targetRefs: [{ kind: 'Gateway', name: 'gw' }] }, path: 'spec.targetRefs', message: 'only one of "workloadSelector" or "targetRefs"' },
];
badSpecTable('EnvoyFilter', envoyFilterBody, ENVOY_FILTER_BAD);

test('the Sidecar, WorkloadEntry, WorkloadGroup and EnvoyFilter tables are not trivial', () => {
  assert.ok(SIDECAR_BAD.length + WORKLOAD_ENTRY_BAD.length + WORKLOAD_GROUP_BAD.length + ENVOY_FILTER_BAD.length >= 40);
});
