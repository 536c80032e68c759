import { test } from 'node:test';
import assert from 'node:assert/strict';
import { destinationRuleBody, type DestinationRuleSpec } from './destination-rule.js';
import { badSpecTable, goodSpecTable, type BadSpec } from '../schema-test-kit.js';

const v = (name: string) => ({ name, labels: { version: name } });

// Shapes of Istio's samples/bookinfo/networking/destination-rule-all(-mtls).yaml and its docs.
const GOOD: Record<string, DestinationRuleSpec> = {
  'destination-rule-all (reviews)': { host: 'reviews', subsets: [v('v1'), v('v2'), v('v3')] },
  'destination-rule-all (ratings)': { host: 'ratings', subsets: [v('v1'), v('v2'), { name: 'v2-mysql', labels: { version: 'v2-mysql' } }, { name: 'v2-mysql-vm', labels: { version: 'v2-mysql-vm' } }] },
  'destination-rule-all-mtls (details)': { host: 'details', trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } }, subsets: [v('v1'), v('v2')] },
  'ratings circuit breaker': {
    host: 'ratings',
    trafficPolicy: {
      connectionPool: { tcp: { maxConnections: 1 }, http: { http1MaxPendingRequests: 1, maxRequestsPerConnection: 1 } },
      outlierDetection: { consecutive5xxErrors: 1, interval: '1s', baseEjectionTime: '3m', maxEjectionPercent: 100 },
    },
  },
  'everything a traffic policy can carry': {
    host: '*.example.com',
    exportTo: ['.'],
    trafficPolicy: {
      loadBalancer: {
        consistentHash: { httpCookie: { name: 'user', ttl: '0s', path: '/', attributes: [{ name: 'SameSite', value: 'Strict' }] }, maglev: { tableSize: 65537 } },
        localityLbSetting: { enabled: true, distribute: [{ from: 'us-west/zone1/*', to: { 'us-west/zone1/*': 80, 'us-west/zone2/*': 20 } }] },
        warmup: { duration: '60s', minimumPercent: 10, aggression: 1.5 },
      },
      connectionPool: {
        tcp: { maxConnections: 100, connectTimeout: '30ms', tcpKeepalive: { time: '7200s', interval: '75s', probes: 9 }, maxConnectionDuration: '1h', idleTimeout: '0s' },
        http: { http2MaxRequests: 1000, maxRetries: 3, idleTimeout: '30s', h2UpgradePolicy: 'UPGRADE', maxConcurrentStreams: 100, http2KeepAlive: { interval: '10s', timeout: '5s' } },
      },
      outlierDetection: { splitExternalLocalOriginErrors: true, consecutiveLocalOriginFailures: 5, consecutiveGatewayErrors: 3, minHealthPercent: 50, outlierDetectionHttpErrorCodes: [500, 503] },
      tls: { mode: 'MUTUAL', clientCertificate: '/etc/certs/myclientcert.pem', privateKey: '/etc/certs/client_private_key.pem', caCertificates: '/etc/certs/rootcacerts.pem', sni: 'my.example.com', subjectAltNames: ['spiffe://x'] },
      portLevelSettings: [
        { port: { number: 80 }, loadBalancer: { simple: 'LEAST_REQUEST' } },
        { port: { number: 9080 }, loadBalancer: { consistentHash: { useSourceIp: true, ringHash: { minimumRingSize: 1024 } } } },
      ],
      proxyProtocol: { version: 'V2' },
      retryBudget: { percent: 25, minRetryConcurrency: 3, budgetInterval: '10s' },
    },
    subsets: [{ name: 'testversion', labels: { version: 'v3' }, trafficPolicy: { loadBalancer: { simple: 'ROUND_ROBIN' } } }],
  },
  'TLS origination with a credential': { host: 'api.example.com', trafficPolicy: { tls: { mode: 'SIMPLE', credentialName: 'client-credential', sni: 'api.example.com' } } },
  'tunnel': { host: 'mysql.example.com', trafficPolicy: { tunnel: { protocol: 'CONNECT', targetHost: 'mysql.example.com', targetPort: 3306 } } },
  'failover': { host: 'reviews', trafficPolicy: { loadBalancer: { localityLbSetting: { failover: [{ from: 'us-east', to: 'eu-west' }], failoverPriority: ['my-label'] } }, outlierDetection: { consecutive5xxErrors: 1 } } },
  'workload selector': { host: 'reviews', workloadSelector: { matchLabels: { app: 'ratings' } }, trafficPolicy: { tls: { mode: 'DISABLE' } } },
};

goodSpecTable('DestinationRule', destinationRuleBody, GOOD);

const tp = (trafficPolicy: unknown) => ({ host: 'reviews', trafficPolicy });
const lb = (loadBalancer: unknown) => tp({ loadBalancer });
const pool = (connectionPool: unknown) => tp({ connectionPool });
const od = (outlierDetection: unknown) => tp({ outlierDetection });
const tls = (t: unknown) => tp({ tls: t });

const BAD: BadSpec[] = [
  { name: 'missing host', spec: { subsets: [v('v1')] }, path: 'spec.host', message: 'received undefined' },
  { name: 'host with a port', spec: { host: 'reviews:9080' }, path: 'spec.host', message: 'must not include a port' },
  { name: 'unknown field', spec: { host: 'reviews', subset: [v('v1')] }, path: 'spec', message: 'unknown field "subset"' },
  { name: 'uppercase subset name', spec: { host: 'reviews', subsets: [v('V1')] }, path: 'spec.subsets[0].name', message: 'invalid subset name "V1"' },
  { name: 'duplicate subset names', spec: { host: 'reviews', subsets: [v('v1'), v('v1')] }, path: 'spec.subsets[1].name', message: 'duplicate subset name "v1"' },
  { name: 'subset label value with a space', spec: { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v 1' } }] }, path: 'spec.subsets[0].labels.version', message: 'invalid label value' },
  { name: 'empty traffic policy', spec: tp({}), path: 'spec.trafficPolicy', message: 'trafficPolicy is empty' },
  { name: 'unknown simple lb', spec: lb({ simple: 'FASTEST' }), path: 'spec.trafficPolicy.loadBalancer.simple', message: 'expected one of UNSPECIFIED, LEAST_CONN, RANDOM, PASSTHROUGH, ROUND_ROBIN, LEAST_REQUEST' },
  { name: 'simple and consistentHash', spec: lb({ simple: 'RANDOM', consistentHash: { useSourceIp: true } }), path: 'spec.trafficPolicy.loadBalancer', message: 'only one of "simple" or "consistentHash"' },
  { name: 'consistentHash with two keys', spec: lb({ consistentHash: { httpHeaderName: 'x-user', useSourceIp: true } }), path: 'spec.trafficPolicy.loadBalancer.consistentHash', message: 'only one hash key' },
  { name: 'consistentHash without a key', spec: lb({ consistentHash: { ringHash: { minimumRingSize: 10 } } }), path: 'spec.trafficPolicy.loadBalancer.consistentHash', message: 'needs one hash key' },
  { name: 'ringHash and maglev', spec: lb({ consistentHash: { useSourceIp: true, ringHash: {}, maglev: { tableSize: 7 } } }), path: 'spec.trafficPolicy.loadBalancer.consistentHash', message: 'only one of ringHash or maglev' },
  { name: 'maglev table size not prime', spec: lb({ consistentHash: { useSourceIp: true, maglev: { tableSize: 1000 } } }), path: 'spec.trafficPolicy.loadBalancer.consistentHash.maglev.tableSize', message: 'prime' },
  { name: 'hash cookie without a name', spec: lb({ consistentHash: { httpCookie: { name: '', ttl: '10s' } } }), path: 'spec.trafficPolicy.loadBalancer.consistentHash.httpCookie.name', message: 'needs a name' },
  { name: 'locality distribute not adding to 100', spec: lb({ localityLbSetting: { distribute: [{ from: 'a/b/*', to: { 'a/b/*': 50, 'a/c/*': 40 } }] } }), path: 'spec.trafficPolicy.loadBalancer.localityLbSetting.distribute[0].to', message: 'add up to 100' },
  { name: 'locality distribute and failover', spec: lb({ localityLbSetting: { distribute: [{ from: 'a', to: { a: 100 } }], failover: [{ from: 'a', to: 'b' }] } }), path: 'spec.trafficPolicy.loadBalancer.localityLbSetting', message: 'only one of "distribute" or "failover"' },
  { name: 'failover to the same region', spec: lb({ localityLbSetting: { failover: [{ from: 'us-east', to: 'us-east' }] } }), path: 'spec.trafficPolicy.loadBalancer.localityLbSetting.failover[0]', message: 'different region' },
  { name: 'warmup without duration', spec: lb({ warmup: { minimumPercent: 10 } }), path: 'spec.trafficPolicy.loadBalancer.warmup.duration', message: 'received undefined' },
  { name: 'warmupDurationSecs and warmup', spec: lb({ warmupDurationSecs: '10s', warmup: { duration: '10s' } }), path: 'spec.trafficPolicy.loadBalancer', message: 'only one of "warmupDurationSecs" or "warmup"' },
  { name: 'bad TLS mode', spec: tls({ mode: 'STRICT' }), path: 'spec.trafficPolicy.tls.mode', message: 'unknown value "STRICT": expected one of DISABLE, SIMPLE, MUTUAL, ISTIO_MUTUAL' },
  { name: 'MUTUAL without certificates', spec: tls({ mode: 'MUTUAL' }), path: 'spec.trafficPolicy.tls', message: 'needs clientCertificate and privateKey, or a credentialName' },
  { name: 'MUTUAL without a private key', spec: tls({ mode: 'MUTUAL', clientCertificate: '/c.pem' }), path: 'spec.trafficPolicy.tls', message: 'missing privateKey' },
  { name: 'ISTIO_MUTUAL with a certificate', spec: tls({ mode: 'ISTIO_MUTUAL', clientCertificate: '/c.pem' }), path: 'spec.trafficPolicy.tls.clientCertificate', message: 'cannot be set with mode ISTIO_MUTUAL' },
  { name: 'credentialName and a CA file', spec: tls({ mode: 'SIMPLE', credentialName: 'cred', caCertificates: '/ca.pem' }), path: 'spec.trafficPolicy.tls.caCertificates', message: 'cannot be set together with credentialName' },
  { name: 'insecureSkipVerify with a CA', spec: tls({ mode: 'SIMPLE', insecureSkipVerify: true, caCertificates: '/ca.pem' }), path: 'spec.trafficPolicy.tls.insecureSkipVerify', message: 'cannot be combined' },
  { name: 'empty connection pool', spec: pool({}), path: 'spec.trafficPolicy.connectionPool', message: 'needs "tcp" or "http"' },
  { name: 'negative maxConnections', spec: pool({ tcp: { maxConnections: -1 } }), path: 'spec.trafficPolicy.connectionPool.tcp.maxConnections', message: '0 or more' },
  { name: 'negative http2MaxRequests', spec: pool({ http: { http2MaxRequests: -5 } }), path: 'spec.trafficPolicy.connectionPool.http.http2MaxRequests', message: '0 or more' },
  { name: 'bad connect timeout', spec: pool({ tcp: { connectTimeout: '0s' } }), path: 'spec.trafficPolicy.connectionPool.tcp.connectTimeout', message: 'at least 1ms' },
  { name: 'UPGRADE with useClientProtocol', spec: pool({ http: { h2UpgradePolicy: 'UPGRADE', useClientProtocol: true } }), path: 'spec.trafficPolicy.connectionPool.http.useClientProtocol', message: 'cannot be true' },
  { name: 'keepalive without timeout', spec: pool({ http: { http2KeepAlive: { interval: '10s' } } }), path: 'spec.trafficPolicy.connectionPool.http.http2KeepAlive.timeout', message: 'needs a timeout' },
  { name: 'bad outlier interval', spec: od({ interval: '1 minute' }), path: 'spec.trafficPolicy.outlierDetection.interval', message: 'expected a duration' },
  { name: 'maxEjectionPercent over 100', spec: od({ maxEjectionPercent: 120 }), path: 'spec.trafficPolicy.outlierDetection.maxEjectionPercent', message: 'between 0 and 100' },
  { name: 'local origin failures without split', spec: od({ consecutiveLocalOriginFailures: 3 }), path: 'spec.trafficPolicy.outlierDetection.consecutiveLocalOriginFailures', message: 'splitExternalLocalOriginErrors' },
  { name: 'outlier error code out of range', spec: od({ outlierDetectionHttpErrorCodes: [503, 700] }), path: 'spec.trafficPolicy.outlierDetection.outlierDetectionHttpErrorCodes[1]', message: 'between 100 and 599' },
  { name: 'port level setting port', spec: tp({ portLevelSettings: [{ port: { number: 99999 }, loadBalancer: { simple: 'RANDOM' } }] }), path: 'spec.trafficPolicy.portLevelSettings[0].port.number', message: 'between 1 and 65535' },
  { name: 'port level setting without port', spec: tp({ portLevelSettings: [{ loadBalancer: { simple: 'RANDOM' } }] }), path: 'spec.trafficPolicy.portLevelSettings[0].port', message: 'needs a port' },
  { name: 'port level setting without policy', spec: tp({ portLevelSettings: [{ port: { number: 80 } }] }), path: 'spec.trafficPolicy.portLevelSettings[0]', message: 'needs at least one of' },
  { name: 'tunnel and proxyProtocol', spec: tp({ tunnel: { targetHost: 'a.example.com', targetPort: 80 }, proxyProtocol: {} }), path: 'spec.trafficPolicy.proxyProtocol', message: 'cannot be set together' },
  { name: 'tunnel protocol', spec: tp({ tunnel: { protocol: 'GET', targetHost: 'a.example.com', targetPort: 80 } }), path: 'spec.trafficPolicy.tunnel.protocol', message: 'expected "CONNECT" or "POST"' },
  { name: 'selector with exportTo "*"', spec: { host: 'reviews', workloadSelector: { matchLabels: { app: 'a' } }, exportTo: ['*'] }, path: 'spec.exportTo', message: 'only be exported to its own namespace' },
  { name: 'selector with a wildcard label', spec: { host: 'reviews', workloadSelector: { matchLabels: { app: '*' } } }, path: 'spec.workloadSelector.matchLabels.app', message: 'invalid label value' },
];

badSpecTable('DestinationRule', destinationRuleBody, BAD);

test('the bad DestinationRule table is large enough to mean something', () => {
  assert.ok(BAD.length >= 40, `only ${BAD.length} cases`);
});
