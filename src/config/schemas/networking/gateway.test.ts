import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gatewayBody, type GatewaySpec } from './gateway.js';
import { badSpecTable, goodSpecTable, type BadSpec } from '../schema-test-kit.js';

const http = { number: 8080, name: 'http', protocol: 'HTTP' };
const https = { number: 443, name: 'https', protocol: 'HTTPS' };

// Shapes of Istio's bookinfo-gateway.yaml and the Gateway reference and secure-gateway tasks.
const GOOD: Record<string, GatewaySpec> = {
  'bookinfo-gateway': { selector: { istio: 'ingressgateway' }, servers: [{ port: http, hosts: ['*'] }] },
  'https with a credential, http redirecting to it': {
    selector: { app: 'my-gateway-controller' },
    servers: [
      { port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['uk.bookinfo.com', 'eu.bookinfo.com'], tls: { httpsRedirect: true } },
      { port: https, hosts: ['uk.bookinfo.com', 'eu.bookinfo.com'], tls: { mode: 'SIMPLE', credentialName: 'bookinfo-secret', minProtocolVersion: 'TLSV1_2' } },
    ],
  },
  'mutual TLS with files': {
    servers: [{ port: { number: 9443, name: 'https-9443', protocol: 'HTTPS' }, hosts: ['bookinfo-namespace/*.bookinfo.com'], tls: { mode: 'MUTUAL', serverCertificate: '/etc/certs/server.pem', privateKey: '/etc/certs/privatekey.pem', caCertificates: '/etc/certs/ca.pem', subjectAltNames: ['client.example.com'] } }],
  },
  'two certificates by name': { servers: [{ port: https, hosts: ['*.example.com'], tls: { mode: 'SIMPLE', credentialNames: ['rsa-cert', 'ecdsa-cert'] } }] },
  'TLS passthrough and auto passthrough': {
    servers: [
      { port: { number: 443, name: 'tls', protocol: 'TLS' }, hosts: ['*.example.com'], tls: { mode: 'PASSTHROUGH' } },
      { port: { number: 15443, name: 'tls-cross', protocol: 'TLS' }, hosts: ['*.local'], tls: { mode: 'AUTO_PASSTHROUGH' } },
    ],
  },
  'istio mutual on an east-west port': { servers: [{ port: { number: 15008, name: 'tls-hbone', protocol: 'HTTPS' }, hosts: ['*'], tls: { mode: 'ISTIO_MUTUAL' } }] },
  'tcp server, namespaced and IP hosts, bind': {
    servers: [
      { port: { number: 27017, name: 'mongo', protocol: 'MONGO' }, hosts: ['./*', '10.0.0.1'], bind: '0.0.0.0' },
      { port: { number: 0, name: 'uds', protocol: 'HTTP' }, hosts: ['*'], bind: 'unix:///var/run/gw.sock' },
    ],
  },
};

goodSpecTable('Gateway', gatewayBody, GOOD);

const one = (server: Record<string, unknown>) => ({ servers: [{ port: http, hosts: ['*'], ...server }] });

const BAD: BadSpec[] = [
  { name: 'no servers', spec: { servers: [] }, path: 'spec.servers', message: 'at least one server' },
  { name: 'server without port', spec: { servers: [{ hosts: ['*'] }] }, path: 'spec.servers[0].port', message: 'received undefined' },
  { name: 'server without hosts', spec: { servers: [{ port: http }] }, path: 'spec.servers[0].hosts', message: 'received undefined' },
  { name: 'empty hosts', spec: one({ hosts: [] }), path: 'spec.servers[0].hosts', message: 'at least one host' },
  { name: 'unknown protocol', spec: one({ port: { number: 80, name: 'http', protocol: 'HTTTP' } }), path: 'spec.servers[0].port.protocol', message: 'unknown protocol "HTTTP"' },
  { name: 'port 0 without a unix socket', spec: one({ port: { number: 0, name: 'http', protocol: 'HTTP' } }), path: 'spec.servers[0].port.number', message: 'between 1 and 65535' },
  { name: 'port number too large', spec: one({ port: { number: 65536, name: 'http', protocol: 'HTTP' } }), path: 'spec.servers[0].port.number', message: 'between 1 and 65535' },
  { name: 'port without a name', spec: one({ port: { number: 80, name: '', protocol: 'HTTP' } }), path: 'spec.servers[0].port.name', message: 'needs a name' },
  { name: 'targetPort on a gateway', spec: one({ port: { ...http, targetPort: 9080 } }), path: 'spec.servers[0].port.targetPort', message: 'no effect on Gateways' },
  { name: 'duplicate port names', spec: { servers: [{ port: http, hosts: ['a.example.com'] }, { port: { ...http, number: 8081 }, hosts: ['b.example.com'] }] }, path: 'spec.servers[1].port.name', message: 'duplicate port name "http"' },
  { name: 'short host name', spec: one({ hosts: ['reviews'] }), path: 'spec.servers[0].hosts[0]', message: 'short host name "reviews"' },
  { name: 'partial wildcard host', spec: one({ hosts: ['*bookinfo.com'] }), path: 'spec.servers[0].hosts[0]', message: 'partial wildcard' },
  { name: 'bad namespace in host', spec: one({ hosts: ['Bad_NS/*.example.com'] }), path: 'spec.servers[0].hosts[0]', message: 'invalid namespace "Bad_NS"' },
  { name: 'host with port', spec: one({ hosts: ['example.com:80'] }), path: 'spec.servers[0].hosts[0]', message: 'must not include a port' },
  { name: 'bind not an IP', spec: one({ bind: 'localhost' }), path: 'spec.servers[0].bind', message: 'must be an IP address' },
  { name: 'unix socket with a port number', spec: one({ bind: 'unix:///tmp/s.sock' }), path: 'spec.servers[0].port.number', message: 'must be 0' },
  { name: 'relative unix socket', spec: one({ port: { number: 0, name: 'uds', protocol: 'HTTP' }, bind: 'unix://tmp/s.sock' }), path: 'spec.servers[0].bind', message: 'absolute path' },
  { name: 'HTTPS without tls', spec: one({ port: https }), path: 'spec.servers[0]', message: 'needs "tls" settings' },
  { name: 'HTTP server terminating TLS', spec: one({ tls: { mode: 'SIMPLE', credentialName: 'x' } }), path: 'spec.servers[0].tls', message: 'cannot terminate TLS' },
  { name: 'TCP server with tls', spec: one({ port: { number: 3306, name: 'mysql', protocol: 'TCP' }, tls: { mode: 'SIMPLE', credentialName: 'x' } }), path: 'spec.servers[0].tls', message: 'cannot have "tls" settings' },
  { name: 'SIMPLE without a certificate', spec: one({ port: https, tls: { mode: 'SIMPLE' } }), path: 'spec.servers[0].tls', message: 'needs a credentialName, or serverCertificate and privateKey' },
  { name: 'MUTUAL without a CA', spec: one({ port: https, tls: { mode: 'MUTUAL', serverCertificate: '/s.pem', privateKey: '/k.pem' } }), path: 'spec.servers[0].tls', message: 'needs caCertificates' },
  { name: 'two certificate sources', spec: one({ port: https, tls: { mode: 'SIMPLE', credentialName: 'a', serverCertificate: '/s.pem', privateKey: '/k.pem' } }), path: 'spec.servers[0].tls', message: 'only one certificate source' },
  { name: 'ISTIO_MUTUAL with a credential', spec: one({ port: https, tls: { mode: 'ISTIO_MUTUAL', credentialName: 'a' } }), path: 'spec.servers[0].tls.credentialName', message: 'cannot be set with mode ISTIO_MUTUAL' },
  { name: 'unknown TLS mode', spec: one({ port: https, tls: { mode: 'STRICT' } }), path: 'spec.servers[0].tls.mode', message: 'expected one of PASSTHROUGH, SIMPLE, MUTUAL, AUTO_PASSTHROUGH, ISTIO_MUTUAL, OPTIONAL_MUTUAL' },
  { name: 'unknown TLS version', spec: one({ port: https, tls: { mode: 'SIMPLE', credentialName: 'a', minProtocolVersion: 'TLSV1_4' } }), path: 'spec.servers[0].tls.minProtocolVersion', message: 'expected one of TLS_AUTO' },
  { name: 'three credential names', spec: one({ port: https, tls: { mode: 'SIMPLE', credentialNames: ['a', 'b', 'c'] } }), path: 'spec.servers[0].tls.credentialNames', message: 'expected 1 or 2' },
  { name: 'CRL with SIMPLE', spec: one({ port: https, tls: { mode: 'SIMPLE', serverCertificate: '/s.pem', privateKey: '/k.pem', caCrl: '/crl.pem' } }), path: 'spec.servers[0].tls.caCrl', message: 'not supported with mode SIMPLE' },
  { name: 'selector value not a string', spec: { selector: { istio: 1 }, servers: [{ port: http, hosts: ['*'] }] }, path: 'spec.selector.istio', message: 'expected a string' },
  { name: 'unknown server field', spec: one({ host: ['*'] }), path: 'spec.servers[0]', message: 'unknown field "host"' },
];

badSpecTable('Gateway', gatewayBody, BAD);

test('the bad Gateway table is not trivial', () => {
  assert.ok(BAD.length >= 25, `only ${BAD.length} cases`);
});
