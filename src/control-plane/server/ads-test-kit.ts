// Test helpers for the ADS server: a scripted xDS client over a real grpc-js stream, and a fake
// generator serving fixed resource tables from a versioned snapshot.

import * as grpc from '@grpc/grpc-js';
import {
  type AdsClientStream,
  type DiscoveryRequestInit,
  type DiscoveryResponse,
  type JsonObject,
  TYPE_URL,
  createAdsClient,
  openAdsStream,
  unpackAny,
} from '../../xds/index.js';
import type { ConnectedProxy, GenerateInput, PushSnapshot, XdsGenerator, XdsResource } from './ads-types.js';
import type { PushRequest } from '../model/push-builder.js';

export const FULL_PUSH: PushRequest = { full: true, reasons: new Set(['config']), configsUpdated: new Set(), workloadsUpdated: new Set() };
export const EDS_PUSH: PushRequest = { full: false, reasons: new Set(['endpoint']), configsUpdated: new Set(), workloadsUpdated: new Set() };

export function sidecarId(n: number | string, namespace = 'default'): string {
  return `sidecar~10.0.0.${typeof n === 'number' ? n : 1}~productpage-v1-${n}.${namespace}~${namespace}.svc.cluster.local`;
}

/** Resources by type URL and name; a new snapshot object is a new push. */
export interface FakeSnapshot extends PushSnapshot {
  readonly resources: Readonly<Record<string, Readonly<Record<string, JsonObject>>>>;
}

export function snapshot(version: string, resources: FakeSnapshot['resources']): FakeSnapshot {
  return { version, resources };
}

export const cluster = (name: string, timeout = '1s'): JsonObject => ({ name, type: 'EDS', connect_timeout: timeout, eds_cluster_config: { eds_config: { ads: {} } } });
export const endpoints = (name: string, ...ips: string[]): JsonObject => ({
  cluster_name: name,
  endpoints: [{ lb_endpoints: ips.map((ip) => ({ endpoint: { address: { socket_address: { address: ip, port_value: 9080 } } } })) }],
});
export const listener = (name: string, routeName: string): JsonObject => ({
  name,
  filter_chains: [{
    filters: [{
      name: 'envoy.filters.network.http_connection_manager',
      typed_config: {
        '@type': TYPE_URL.HTTP_CONNECTION_MANAGER,
        stat_prefix: name,
        rds: { config_source: { ads: {} }, route_config_name: routeName },
        http_filters: [{ name: 'envoy.filters.http.router', typed_config: { '@type': TYPE_URL.ROUTER } }],
      },
    }],
  }],
});
export const route = (name: string, clusterName: string): JsonObject => ({
  name,
  virtual_hosts: [{ name: 'all', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster: clusterName } }] }],
});

/** Serves the snapshot's tables; counts proxyState calls and can be told to fail. */
export class FakeGenerator implements XdsGenerator<FakeSnapshot, string> {
  proxyStateCalls = 0;
  generateCalls: { proxy: string; typeUrl: string; names: readonly string[] | '*'; trigger: string }[] = [];
  failType: string | undefined;
  /** Makes each proxyState call take this long, to make a push span several slices. */
  busyMs = 0;

  proxyState(proxy: ConnectedProxy, push: FakeSnapshot): string {
    this.proxyStateCalls += 1;
    const until = performance.now() + this.busyMs;
    while (performance.now() < until) {
      // a slow translation
    }
    return `${proxy.parsed.namespace}@${push.version}`;
  }

  generate(input: GenerateInput<FakeSnapshot, string>): XdsResource[] {
    this.generateCalls.push({ proxy: input.proxy.nodeId, typeUrl: input.typeUrl, names: input.resourceNames, trigger: input.trigger.kind });
    if (input.typeUrl === this.failType) throw new Error(`no generator for ${input.typeUrl}`);
    const table = input.push.resources[input.typeUrl] ?? {};
    return Object.entries(table).map(([name, resource]) => ({ name, resource }));
  }
}

/** A scripted ADS client: requests go out as written, responses queue up in arrival order. */
export class TestProxy {
  readonly client: grpc.Client;
  readonly stream: AdsClientStream;
  private readonly queue: DiscoveryResponse[] = [];
  private waiter: ((r: DiscoveryResponse) => void) | undefined;
  error: grpc.ServiceError | undefined;
  private errorWaiter: ((e: grpc.ServiceError) => void) | undefined;

  constructor(port: number, readonly nodeId: string) {
    this.client = createAdsClient(`127.0.0.1:${port}`);
    this.stream = openAdsStream(this.client);
    this.stream.on('data', (r: DiscoveryResponse) => {
      if (this.waiter) {
        const w = this.waiter;
        this.waiter = undefined;
        w(r);
      } else {
        this.queue.push(r);
      }
    });
    this.stream.on('error', (e: grpc.ServiceError) => {
      this.error = e;
      this.errorWaiter?.(e);
    });
  }

  /** Subscribed names per type: like Envoy, every request (ACKs too) repeats them. */
  private readonly subscribed = new Map<string, readonly string[]>();

  request(init: DiscoveryRequestInit & { withNode?: boolean }): void {
    const { withNode, ...rest } = init;
    if (rest.resource_names) this.subscribed.set(rest.type_url, rest.resource_names);
    else rest.resource_names = this.subscribed.get(rest.type_url) ?? [];
    this.stream.write({ ...rest, ...(withNode ? { node: { id: this.nodeId, metadata: { ISTIO_VERSION: '1.24.0', CLUSTER_ID: 'Kubernetes' } } } : {}) });
  }

  /** The next response; fails after `limitMs` so a missing response fails the test instead of hanging. */
  next(limitMs = 5000): Promise<DiscoveryResponse> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new Error(`${this.nodeId}: no DiscoveryResponse arrived`));
      }, limitMs);
      this.waiter = (r) => {
        clearTimeout(timer);
        resolve(r);
      };
    });
  }

  pending(): number {
    return this.queue.length;
  }

  ack(r: DiscoveryResponse, names?: string[]): void {
    this.request({ type_url: r.type_url, version_info: r.version_info, response_nonce: r.nonce, ...(names ? { resource_names: names } : {}) });
  }

  nack(r: DiscoveryResponse, lastGoodVersion: string, message: string, names?: string[]): void {
    this.request({
      type_url: r.type_url,
      version_info: lastGoodVersion,
      response_nonce: r.nonce,
      error_detail: { code: 3, message },
      ...(names ? { resource_names: names } : {}),
    });
  }

  failure(limitMs = 5000): Promise<grpc.ServiceError> {
    if (this.error) return Promise.resolve(this.error);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.nodeId}: stream did not fail`)), limitMs);
      this.errorWaiter = (e) => {
        clearTimeout(timer);
        resolve(e);
      };
    });
  }

  close(): void {
    this.stream.cancel();
    this.client.close();
  }
}

export function names(r: DiscoveryResponse): string[] {
  return r.resources.map((a) => {
    const json = unpackAny(a);
    return String(json['name'] ?? json['cluster_name']);
  });
}

/** Polls until `check` holds: for state that changes on another connection's events. */
export async function eventually(check: () => boolean, what: string, limitMs = 5000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
