// @grpc/grpc-js-xds, a real xDS client, against the ADS server: a proxyless gRPC channel
// (`xds:///host:port`) resolves through LDS → RDS → CDS → EDS served from a fake generator,
// reaches a backend, and every type ends SYNCED with no NACK.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import * as grpc from '@grpc/grpc-js';
import { TYPE_URL } from '../../xds/index.js';
import { AdsServer } from './ads-server.js';
import { FULL_PUSH, FakeGenerator, type FakeSnapshot, eventually, snapshot } from './ads-test-kit.js';

const LISTENER = 'greeter.default.svc.cluster.local:50051';
const CLUSTER = 'outbound|50051||greeter.default.svc.cluster.local';
const identity = (b: Buffer) => b;

function resources(backendPort: number): FakeSnapshot['resources'] {
  return {
    [TYPE_URL.LISTENER]: {
      [LISTENER]: {
        name: LISTENER,
        api_listener: {
          api_listener: {
            '@type': TYPE_URL.HTTP_CONNECTION_MANAGER,
            rds: { config_source: { ads: {} }, route_config_name: LISTENER },
            http_filters: [{ name: 'envoy.filters.http.router', typed_config: { '@type': TYPE_URL.ROUTER } }],
          },
        },
      },
    },
    [TYPE_URL.ROUTE_CONFIGURATION]: {
      [LISTENER]: { name: LISTENER, virtual_hosts: [{ name: 'greeter', domains: ['*'], routes: [{ match: { prefix: '' }, route: { cluster: CLUSTER } }] }] },
    },
    [TYPE_URL.CLUSTER]: {
      [CLUSTER]: { name: CLUSTER, type: 'EDS', eds_cluster_config: { eds_config: { ads: {} }, service_name: CLUSTER }, lb_policy: 'ROUND_ROBIN' },
    },
    [TYPE_URL.CLUSTER_LOAD_ASSIGNMENT]: {
      [CLUSTER]: {
        cluster_name: CLUSTER,
        endpoints: [{
          locality: { region: 'local' },
          load_balancing_weight: 1,
          lb_endpoints: [{ endpoint: { address: { socket_address: { address: '127.0.0.1', port_value: backendPort } } }, health_status: 'HEALTHY' }],
        }],
      },
    },
  };
}

test('a grpc-js-xds channel resolves through the ADS server and reaches the backend', async () => {
  const backend = new grpc.Server();
  const say = { path: '/test.Echo/Say', requestStream: false, responseStream: false, requestSerialize: identity, requestDeserialize: identity, responseSerialize: identity, responseDeserialize: identity };
  backend.addService({ Say: say }, { Say: (call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => cb(null, Buffer.concat([Buffer.from('echo:'), call.request])) });
  const backendPort = await new Promise<number>((resolve, reject) =>
    backend.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
  );
  const warnings: string[] = [];
  const server = new AdsServer<FakeSnapshot, string>({ generator: new FakeGenerator(), port: 0, log: (level, m) => level !== 'debug' && level !== 'info' && warnings.push(m) });
  const port = await server.start();
  server.push(snapshot('v1', resources(backendPort)), FULL_PUSH);

  process.env['GRPC_XDS_BOOTSTRAP_CONFIG'] = JSON.stringify({
    xds_servers: [{ server_uri: `127.0.0.1:${port}`, channel_creds: [{ type: 'insecure' }], server_features: ['xds_v3'] }],
    node: { id: 'sidecar~127.0.0.1~greeter-client-1.default~default.svc.cluster.local', locality: {}, metadata: { ISTIO_VERSION: '1.24.0' } },
  });
  (createRequire(import.meta.url)('@grpc/grpc-js-xds') as { register(): void }).register();
  const client = new grpc.Client(`xds:///${LISTENER}`, grpc.credentials.createInsecure());
  try {
    const reply = await new Promise<Buffer>((resolve, reject) =>
      client.makeUnaryRequest('/test.Echo/Say', identity, identity, Buffer.from('hi'), { deadline: Date.now() + 15_000 }, (e, r) => (e ? reject(e) : resolve(r!))),
    );
    assert.equal(reply.toString(), 'echo:hi');
    // the client's last ACKs may still be in flight when the call completes
    await eventually(() => server.syncStatus()[0]?.xds.every((x) => x.state === 'SYNCED') === true, 'all types SYNCED');
    const [status] = server.syncStatus();
    assert.deepStrictEqual(status!.xds.map((x) => [x.type, x.state, x.nacked]), [
      ['CDS', 'SYNCED', false], ['LDS', 'SYNCED', false], ['EDS', 'SYNCED', false], ['RDS', 'SYNCED', false],
    ]);
    assert.deepStrictEqual(status!.xds.find((x) => x.type === 'LDS')!.subscribed, [LISTENER]);
    assert.deepStrictEqual(warnings, []);
  } finally {
    client.close();
    await server.stop(500);
    backend.forceShutdown();
  }
});
