import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileListener, type Listener } from '../config/listener.js';
import { compile } from '../config/test-helpers.js';
import { hcm } from '../testing/resources.js';
import { needsSniffing, selectFilterChain, type ConnectionInfo } from './filter-chain-match.js';

const TCP = (cluster: string) => ({ name: 'envoy.filters.network.tcp_proxy', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy', stat_prefix: cluster, cluster } });
const HTTP = { name: 'envoy.filters.network.http_connection_manager', typed_config: hcm({ rds: '9080' }) };

function listener(chains: unknown[], extra: Record<string, unknown> = {}): Listener {
  const { value, errors } = compile(compileListener, { name: 'l', address: { socket_address: { address: '0.0.0.0', port_value: 15006 } }, filter_chains: chains, ...extra });
  assert.deepEqual(errors, []);
  return value!;
}

const info = (o: Partial<ConnectionInfo>): ConnectionInfo => ({ destinationPort: 15006, transportProtocol: 'raw_buffer', applicationProtocols: [], ...o });

test('destination port first, then the most specific destination IP range', () => {
  const l = listener([
    { name: 'any', filters: [TCP('any')] },
    { name: 'port', filter_chain_match: { destination_port: 9080 }, filters: [TCP('port')] },
    { name: 'port-ip', filter_chain_match: { destination_port: 9080, prefix_ranges: [{ address_prefix: '10.0.0.0', prefix_len: 8 }] }, filters: [TCP('port-ip')] },
    { name: 'port-ip32', filter_chain_match: { destination_port: 9080, prefix_ranges: [{ address_prefix: '10.1.2.3', prefix_len: 32 }] }, filters: [TCP('port-ip32')] },
  ]);
  assert.equal(selectFilterChain(l, info({ destinationPort: 80 }))?.name, 'any');
  assert.equal(selectFilterChain(l, info({ destinationPort: 9080, destinationIp: '192.168.0.1' }))?.name, 'port');
  assert.equal(selectFilterChain(l, info({ destinationPort: 9080, destinationIp: '10.9.9.9' }))?.name, 'port-ip');
  assert.equal(selectFilterChain(l, info({ destinationPort: 9080, destinationIp: '::ffff:10.1.2.3' }))?.name, 'port-ip32');
});

test('transport protocol and application protocols pick Istio inbound chains; the default chain catches the rest', () => {
  const l = listener(
    [
      { name: 'http', filter_chain_match: { destination_port: 9080, transport_protocol: 'raw_buffer', application_protocols: ['http/1.1', 'h2c'] }, filters: [HTTP] },
      { name: 'tcp', filter_chain_match: { destination_port: 9080, transport_protocol: 'raw_buffer' }, filters: [TCP('tcp')] },
    ],
    {
      default_filter_chain: { name: 'passthrough', filters: [TCP('InboundPassthroughCluster')] },
      listener_filters: [{ name: 'envoy.filters.listener.http_inspector', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.listener.http_inspector.v3.HttpInspector' } }],
    },
  );
  assert.equal(needsSniffing(l), true);
  assert.equal(selectFilterChain(l, info({ destinationPort: 9080, applicationProtocols: ['http/1.1'] }))?.name, 'http');
  assert.equal(selectFilterChain(l, info({ destinationPort: 9080 }))?.name, 'tcp');
  assert.equal(selectFilterChain(l, info({ destinationPort: 9080, transportProtocol: 'tls' }))?.name, 'passthrough');
  assert.equal(selectFilterChain(l, info({ destinationPort: 3306 }))?.name, 'passthrough');
});

test('server names: exact beats wildcard; an unconstrained chain only when none matches', () => {
  const l = listener([
    { name: 'wild', filter_chain_match: { server_names: ['*.example.com'] }, filters: [TCP('w')] },
    { name: 'exact', filter_chain_match: { server_names: ['api.example.com'] }, filters: [TCP('e')] },
    { name: 'none', filters: [TCP('n')] },
  ]);
  assert.equal(selectFilterChain(l, info({ serverName: 'api.example.com' }))?.name, 'exact');
  assert.equal(selectFilterChain(l, info({ serverName: 'www.example.com' }))?.name, 'wild');
  assert.equal(selectFilterChain(l, info({ serverName: 'other.org' }))?.name, 'none');
});

test('listener compile errors name the chain and filter', () => {
  const { errors } = compile(compileListener, {
    name: 'l',
    address: { socket_address: { address: '0.0.0.0', port_value: 80 } },
    filter_chains: [
      { filters: [{ name: 'istio.stats', typed_config: { '@type': 'type.googleapis.com/stats.PluginConfig' } }, TCP('x')] },
      { filters: [{ name: 'hcm', typed_config: { ...hcm({ rds: 'r' }), http_filters: [{ name: 'envoy.filters.http.jwt_authn', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication' } }] } }] },
    ],
  });
  assert.deepEqual(errors, [
    'filter_chains[0].filters[0].typed_config: network filter stats.PluginConfig is not supported by the Skiff proxy',
    'filter_chains[1].filters[0].typed_config.http_filters[0].typed_config: HTTP filter envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication is not supported by the Skiff proxy',
    'filter_chains[1].filters[0].typed_config.http_filters: the last HTTP filter must be envoy.filters.http.router',
  ]);
});
