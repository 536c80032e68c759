// A scriptable ADS server for the proxy's ADS client tests: records every DiscoveryRequest and
// lets the test push DiscoveryResponses. Built on src/xds (service definition and codec).

import * as grpc from '@grpc/grpc-js';
import { adsServiceDefinition, type AdsServiceHandlers } from '../../xds/ads-service.js';
import { packAny } from '../../xds/codec.js';
import type { DiscoveryRequest, DiscoveryResponse } from '../../xds/discovery.js';

type Call = grpc.ServerDuplexStream<DiscoveryRequest, DiscoveryResponse>;

export class FakeAdsServer {
  readonly requests: DiscoveryRequest[] = [];
  private server: grpc.Server | undefined;
  private calls: Call[] = [];
  private nonce = 0;
  port = 0;

  async start(port = 0): Promise<void> {
    const server = new grpc.Server();
    const handlers: AdsServiceHandlers = {
      StreamAggregatedResources: (call: Call) => {
        this.calls.push(call);
        call.on('data', (req: DiscoveryRequest) => this.requests.push(req));
        call.on('error', () => undefined);
        call.on('end', () => call.end());
      },
    };
    server.addService(adsServiceDefinition, handlers);
    this.port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
    );
    this.server = server;
  }

  get connected(): number {
    return this.calls.filter((c) => !c.cancelled && !c.destroyed).length;
  }

  /** Sends resources (proto3 JSON, each with its @type) on every open stream; returns the nonce. */
  push(typeUrl: string, version: string, resources: Record<string, unknown>[]): string {
    const nonce = `n${++this.nonce}`;
    const response: DiscoveryResponse = {
      version_info: version,
      type_url: typeUrl,
      nonce,
      resources: resources.map((r) => packAny({ '@type': typeUrl, ...r })),
    };
    for (const c of this.calls) if (!c.cancelled && !c.destroyed) c.write(response);
    return nonce;
  }

  /** Waits for a request matching `pred` (among all received so far or later). */
  async waitFor(pred: (r: DiscoveryRequest) => boolean, timeoutMs = 5000): Promise<DiscoveryRequest> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.requests.find(pred);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching DiscoveryRequest within ${timeoutMs} ms; got ${JSON.stringify(this.requests.map((r) => [r.type_url.split('.').pop(), r.version_info, r.response_nonce, r.resource_names, r.error_detail?.message]))}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async stop(): Promise<void> {
    for (const c of this.calls) c.end();
    this.calls = [];
    const s = this.server;
    this.server = undefined;
    if (s) await new Promise<void>((r) => s.tryShutdown(() => r()));
    s?.forceShutdown();
  }
}
