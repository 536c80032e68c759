// State-of-the-world ADS (envoy.service.discovery.v3.AggregatedDiscoveryService) on 127.0.0.1.
// Each push regenerates every connected proxy's watched types once, in Envoy's safe order
// CDS → EDS → LDS → RDS, and sends only types whose resources changed for that proxy. Requests are
// answered per Istio's rules (see ads-connection.ts); NACKs are logged, counted and kept per proxy.

import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import {
  type AdsServerStream,
  type DiscoveryRequest,
  type DiscoveryResponse,
  type PackedAny,
  TYPE_URL,
  adsServiceDefinition,
  protoRoot,
  shortTypeName,
} from '../../xds/index.js';
import { ProxyIdError, parseNodeId } from '../model/proxy.js';
import type { PushRequest } from '../model/push-builder.js';
import { AdsConnection, type Convergence, type SentResource } from './ads-connection.js';
import { EncodedResourceCache } from './ads-resource-cache.js';
import { PreparedResourceCache, onlyWanted, type PreparedResources } from './ads-prepared-resources.js';
import { AdsMetrics, type AdsMetricsSnapshot, formatPrometheus } from './ads-metrics.js';
import { proxySyncStatus } from './ads-sync-status.js';
import type { AdsLogger, ConnectedProxy, GenerateInput, ProxySyncStatus, PushSnapshot, XdsGenerator } from './ads-types.js';

export type {
  AdsLogger,
  AdsLogLevel,
  ConnectedProxy,
  GenerateInput,
  ProxySyncStatus,
  PushSnapshot,
  XdsGenerator,
  XdsNack,
  XdsResource,
  XdsSyncState,
  XdsTypeSyncStatus,
} from './ads-types.js';
export type { AdsMetricsSnapshot, HistogramSnapshot } from './ads-metrics.js';
export { formatPrometheus } from './ads-metrics.js';

export const DEFAULT_XDS_PORT = 15010;

/** Envoy applies clusters before the endpoints that fill them, listeners before their routes. */
export const PUSH_ORDER: readonly string[] = [
  TYPE_URL.CLUSTER,
  TYPE_URL.CLUSTER_LOAD_ASSIGNMENT,
  TYPE_URL.LISTENER,
  TYPE_URL.ROUTE_CONFIGURATION,
  TYPE_URL.SECRET,
];

/** How long one slice of a push runs before the server yields to other work. */
const PUSH_SLICE_MS = 20;

/** Two pushes a proxy has not been sent yet, as one: full if either was, with every reason. */
export function mergePushRequests(a: PushRequest, b: PushRequest): PushRequest {
  const merged: PushRequest = {
    full: a.full || b.full,
    reasons: new Set([...a.reasons, ...b.reasons]),
    configsUpdated: new Set([...a.configsUpdated, ...b.configsUpdated]),
    workloadsUpdated: new Set([...a.workloadsUpdated, ...b.workloadsUpdated]),
  };
  // The changed services stay known only while both pushes knew theirs.
  if (merged.full || !a.edsServices || !b.edsServices) return merged;
  return { ...merged, edsServices: new Set([...a.edsServices, ...b.edsServices]) };
}

export interface AdsServerOptions<P extends PushSnapshot, S> {
  generator: XdsGenerator<P, S>;
  /** Defaults to 127.0.0.1. */
  host?: string;
  /** Defaults to 15010; 0 picks a free port. */
  port?: number;
  /** DiscoveryResponse.control_plane.identifier. */
  controlPlaneId?: string;
  /** Warnings (NACKs, generator failures) go to stderr by default. */
  log?: AdsLogger;
}

type Trigger = GenerateInput<PushSnapshot, unknown>['trigger'];

/** The resources of one xDS type a proxy was (or would be) sent. */
export interface TypeResources {
  readonly typeUrl: string;
  readonly version: string;
  readonly resources: readonly SentResource[];
  /** Why generating this type failed (`current` only). */
  readonly error?: string;
}

export interface ProxyResources {
  readonly proxy: ConnectedProxy;
  readonly types: readonly TypeResources[];
}

function pushOrderIndex(typeUrl: string): number {
  const i = PUSH_ORDER.indexOf(typeUrl);
  return i < 0 ? PUSH_ORDER.length : i;
}

/** cds, eds, lds, rds, sds as istiod labels its metrics; other types by message name. */
function metricType(typeUrl: string): string {
  const short = shortTypeName(typeUrl);
  return (short === typeUrl ? typeUrl.slice(typeUrl.lastIndexOf('.') + 1) : short).toLowerCase();
}

function defaultLogger(level: string, message: string): void {
  if (level === 'warn' || level === 'error') process.stderr.write(`ads ${level}: ${message}\n`);
}

export class AdsServer<P extends PushSnapshot, S = undefined> {
  private readonly server = new grpc.Server({ 'grpc.keepalive_time_ms': 30_000, 'grpc.keepalive_timeout_ms': 10_000 });
  private readonly connections = new Set<AdsConnection>();
  private readonly metricsData = new AdsMetrics();
  private readonly encoded = new EncodedResourceCache();
  private readonly prepared = new PreparedResourceCache(this.encoded);
  private readonly log: AdsLogger;
  private readonly controlPlaneId: string;
  private currentPush: P | undefined;
  private connectionCounter = 0;
  private boundPort: number | undefined;
  private stopped = false;
  /** Connections with a push still to send, in the order pushes reached them. */
  private readonly pushQueue = new Set<AdsConnection>();
  private drainScheduled: NodeJS.Immediate | undefined;
  /** The last response built per resource list (see responseFor). */
  private readonly sharedResponses = new WeakMap<readonly PackedAny[], DiscoveryResponse>();

  constructor(private readonly options: AdsServerOptions<P, S>) {
    this.log = options.log ?? defaultLogger;
    this.controlPlaneId = options.controlPlaneId ?? 'skiff';
    this.server.addService(adsServiceDefinition, {
      StreamAggregatedResources: (call: AdsServerStream) => this.onStream(call),
    });
  }

  /** Binds and starts serving; resolves to the port. */
  async start(): Promise<number> {
    const host = this.options.host ?? '127.0.0.1';
    const port = this.options.port ?? DEFAULT_XDS_PORT;
    // Parse the Envoy protos now (most of a second) rather than while the first proxies wait.
    protoRoot();
    this.boundPort = await new Promise<number>((resolve, reject) => {
      this.server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (err, bound) => {
        if (err) reject(new Error(`ADS server cannot listen on ${host}:${port}: ${err.message}`));
        else resolve(bound);
      });
    });
    return this.boundPort;
  }

  get port(): number {
    if (this.boundPort === undefined) throw new Error('ADS server not started');
    return this.boundPort;
  }

  /** The snapshot new requests are answered from. */
  current(): P | undefined {
    return this.currentPush;
  }

  /**
   * Makes `push` current and sends every connected proxy what changed: all watched types on a
   * full push, only endpoints (EDS) otherwise. `startedAt` (ms since epoch) is when the change
   * that caused the push was seen; convergence time runs from there to the proxy's ACK.
   *
   * Proxies are served in slices of about PUSH_SLICE_MS, yielding in between so that ACKs and new
   * streams are handled during a long push. A push arriving before the previous one reached every
   * proxy merges into what those proxies still have pending (full wins), as Istio merges them.
   */
  push(push: P, request: PushRequest, startedAt: number = Date.now()): void {
    this.currentPush = push;
    this.encoded.rotate();
    for (const connection of this.connections) {
      const pending = connection.pendingPush;
      connection.pendingPush = pending
        ? { request: mergePushRequests(pending.request, request), startedAt: Math.min(pending.startedAt, startedAt) }
        : { request, startedAt };
      this.pushQueue.add(connection);
    }
    this.drainPushQueue();
  }

  /** Whether proxies are still waiting for their part of the latest push. */
  pushInProgress(): boolean {
    return this.pushQueue.size > 0;
  }

  private drainPushQueue(): void {
    if (this.drainScheduled) return;
    const sliceEnd = performance.now() + PUSH_SLICE_MS;
    for (const connection of this.pushQueue) {
      this.pushQueue.delete(connection);
      const pending = connection.pendingPush;
      connection.pendingPush = undefined;
      if (!pending || connection.closed) continue;
      const { request, startedAt } = pending;
      const types = [...connection.watches.keys()].filter((t) => request.full || t === TYPE_URL.CLUSTER_LOAD_ASSIGNMENT);
      const round: Convergence = { startedAt, pending: new Set() };
      this.send(connection, types, { kind: 'push', request }, false, round);
      connection.trackPush(round);
      if (performance.now() >= sliceEnd && this.pushQueue.size > 0) {
        this.drainScheduled = setImmediate(() => {
          this.drainScheduled = undefined;
          if (!this.stopped) this.drainPushQueue();
        });
        return;
      }
    }
  }

  syncStatus(): ProxySyncStatus[] {
    return [...this.connections].map(proxySyncStatus).sort((a, b) => a.nodeId.localeCompare(b.nodeId) || a.connectionId.localeCompare(b.connectionId));
  }

  metrics(): AdsMetricsSnapshot {
    return this.metricsData.snapshot();
  }

  formatPrometheus(): string {
    return formatPrometheus(this.metricsData.snapshot());
  }

  /**
   * One connection's resources per watched type, for debug config dumps: what was last sent
   * (`sent`), or what the current push would send now (`current`, generated fresh for the same
   * subscriptions). Undefined when no such connection is open.
   */
  proxyResources(connectionId: string, which: 'sent' | 'current'): ProxyResources | undefined {
    const connection = [...this.connections].find((c) => c.proxy.connectionId === connectionId);
    if (!connection) return undefined;
    const types: TypeResources[] = [];
    const push = this.currentPush;
    for (const [typeUrl, watch] of [...connection.watches].sort(([a], [b]) => pushOrderIndex(a) - pushOrderIndex(b))) {
      if (which === 'sent') {
        if (watch.sent) types.push({ typeUrl, version: watch.versionSent ?? '', resources: watch.sent });
        continue;
      }
      if (!push || (!watch.wildcard && watch.names.length === 0)) continue;
      try {
        const state = this.proxyState(connection, push);
        let generated = this.options.generator.generate({ proxy: connection.proxy, state, typeUrl, resourceNames: watch.wildcard ? '*' : watch.names, push, trigger: { kind: 'request' } });
        if (!watch.wildcard) generated = generated.filter((r) => watch.names.includes(r.name));
        types.push({ typeUrl, version: push.version, resources: generated.map((r) => ({ name: r.name, resource: this.encoded.pack(typeUrl, r.resource) })) });
      } catch (e) {
        types.push({ typeUrl, version: push.version, resources: [], error: (e as Error).message });
      }
    }
    return { proxy: connection.proxy, types };
  }

  /** Proxies connected now. */
  connectedProxies(): ConnectedProxy[] {
    return [...this.connections].map((c) => c.proxy);
  }

  /** Ends every stream with OK (proxies reconnect elsewhere) and stops listening. */
  async stop(graceMs = 2000): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.drainScheduled) clearImmediate(this.drainScheduled);
    this.pushQueue.clear();
    for (const c of this.connections) {
      if (!c.closed) c.stream.end();
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.server.forceShutdown();
        resolve();
      }, graceMs);
      this.server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  // ------------------------------------------------------------------------------- streams

  private onStream(call: AdsServerStream): void {
    let connection: AdsConnection | undefined;
    const close = () => {
      if (!connection || connection.closed) return;
      connection.closed = true;
      this.connections.delete(connection);
      this.pushQueue.delete(connection);
      this.metricsData.connected = this.connections.size;
      this.log('info', `ADS: disconnected ${connection.proxy.connectionId}`);
    };
    call.on('data', (request: DiscoveryRequest) => {
      try {
        if (!connection) {
          connection = this.connect(call, request);
          if (!connection) return;
        }
        this.onRequest(connection, request);
      } catch (e) {
        this.log('error', `ADS: request from ${connection?.proxy.connectionId ?? call.getPeer()} failed: ${(e as Error).stack ?? String(e)}`);
      }
    });
    call.on('end', () => {
      close();
      call.end();
    });
    call.on('error', close);
    call.on('cancelled', close);
    call.on('close', close);
  }

  /** Validates the first request's node; ends the stream with INVALID_ARGUMENT when it is unusable. */
  private connect(call: AdsServerStream, request: DiscoveryRequest): AdsConnection | undefined {
    const reject = (details: string) => {
      this.log('warn', `ADS: rejected stream from ${call.getPeer()}: ${details}`);
      call.emit('error', { code: grpc.status.INVALID_ARGUMENT, details });
      return undefined;
    };
    if (this.stopped) return reject('control plane is shutting down');
    const node = request.node;
    if (!node?.id) return reject('the first DiscoveryRequest on a stream must carry node.id');
    let parsed;
    try {
      parsed = parseNodeId(node.id);
    } catch (e) {
      if (e instanceof ProxyIdError) return reject(e.message);
      throw e;
    }
    this.connectionCounter += 1;
    const proxy: ConnectedProxy = {
      connectionId: `${node.id}-${this.connectionCounter}`,
      nodeId: node.id,
      node,
      parsed,
      metadata: node.metadata ?? {},
      peer: call.getPeer(),
      connectedAt: new Date(),
    };
    const connection = new AdsConnection(proxy, call);
    this.connections.add(connection);
    this.metricsData.connected = this.connections.size;
    this.log('info', `ADS: new connection ${proxy.connectionId} from ${proxy.peer}`);
    return connection;
  }

  private onRequest(connection: AdsConnection, request: DiscoveryRequest): void {
    if (!request.type_url) {
      this.log('warn', `ADS: ${connection.proxy.connectionId} sent a DiscoveryRequest without type_url; ignored`);
      return;
    }
    const decision = connection.handleRequest(request);
    const type = shortTypeName(request.type_url);
    switch (decision.kind) {
      case 'respond':
        this.log('debug', `ADS:${type}: REQ ${connection.proxy.connectionId} (${decision.reason}) names=${request.resource_names.length}`);
        this.send(connection, [request.type_url], { kind: 'request' }, true);
        return;
      case 'ack':
        this.log('debug', `ADS:${type}: ACK ${connection.proxy.connectionId} version:${request.version_info} nonce:${decision.nonce}`);
        this.settle(connection, decision.nonce);
        return;
      case 'nack':
        this.metricsData.countReject(metricType(request.type_url));
        connection.settle(decision.nack.nonce, false);
        this.log('warn', `ADS:${type}: ACK ERROR ${connection.proxy.connectionId} code=${decision.nack.code}: ${decision.nack.message} (still running version "${decision.nack.versionInfo}")`);
        return;
      case 'stale':
        // The proxy still accepted that older response; it counts for its push's convergence.
        this.settle(connection, decision.nonce);
        this.log('debug', `ADS:${type}: ${connection.proxy.connectionId} expired nonce ${decision.nonce}, sent ${decision.expected ?? 'none'}`);
        return;
    }
  }

  private settle(connection: AdsConnection, nonce: string): void {
    const startedAt = connection.settle(nonce, true);
    if (startedAt !== undefined) this.metricsData.observeConvergence(Math.max(0, Date.now() - startedAt) / 1000);
  }

  // ------------------------------------------------------------------------------ sending

  private proxyState(connection: AdsConnection, push: P): S {
    if (connection.state?.push !== push) {
      connection.state = { push, value: this.options.generator.proxyState(connection.proxy, push) };
    }
    return connection.state.value as S;
  }

  /**
   * The response carrying `packed` at `version`, shared by every proxy sent that list in that push:
   * one nonce (unique per stream, since a stream gets a list once per push but for a re-request of
   * the very same content) and one encoding (discovery.ts keeps a frozen response's bytes).
   */
  private responseFor(typeUrl: string, packed: readonly PackedAny[], version: string): DiscoveryResponse {
    const shared = this.sharedResponses.get(packed);
    if (shared && shared.version_info === version && shared.type_url === typeUrl) return shared;
    const response: DiscoveryResponse = Object.freeze({
      version_info: version,
      resources: packed,
      type_url: typeUrl,
      nonce: randomUUID(),
      control_plane: Object.freeze({ identifier: this.controlPlaneId }),
    });
    this.sharedResponses.set(packed, response);
    return response;
  }

  /** Generates and sends the given types; unless `force`, a type whose resources are unchanged is skipped. */
  private send(connection: AdsConnection, typeUrls: string[], trigger: Trigger, force: boolean, round?: Convergence): void {
    const push = this.currentPush;
    if (!push || connection.closed) return;
    const id = connection.proxy.connectionId;
    let state: S;
    try {
      state = this.proxyState(connection, push);
    } catch (e) {
      const message = `proxy state for ${id} failed: ${(e as Error).message}`;
      this.log('error', `ADS: ${message}`);
      for (const t of typeUrls) {
        const w = connection.watches.get(t);
        if (w) w.generateError = message;
      }
      return;
    }
    for (const typeUrl of [...typeUrls].sort((a, b) => pushOrderIndex(a) - pushOrderIndex(b))) {
      const watch = connection.watches.get(typeUrl);
      if (!watch || (!watch.wildcard && watch.names.length === 0)) continue;
      let prepared: PreparedResources;
      try {
        let resources = this.options.generator.generate({
          proxy: connection.proxy,
          state,
          typeUrl,
          resourceNames: watch.wildcard ? '*' : watch.names,
          push,
          trigger,
        });
        if (!watch.wildcard) resources = onlyWanted(resources, watch.names);
        prepared = this.prepared.get(typeUrl, resources);
      } catch (e) {
        watch.generateError = (e as Error).message;
        this.log('error', `ADS:${shortTypeName(typeUrl)}: cannot generate for ${id}: ${(e as Error).message}`);
        continue;
      }
      const { digest } = prepared;
      if (!force && watch.nonceSent !== undefined && watch.digest === digest) continue;
      // An incremental EDS push carries only the assignments that changed (see PushRequest.edsServices).
      const incremental = !force && trigger.kind === 'push' && !trigger.request.full && trigger.request.edsServices !== undefined && typeUrl === TYPE_URL.CLUSTER_LOAD_ASSIGNMENT;
      const packed = (incremental && watch.sent && this.prepared.changedSince(prepared, watch.sent)) || prepared.packed;
      const response = this.responseFor(typeUrl, packed, push.version);
      const nonce = response.nonce;
      connection.stream.write(response);
      connection.recordSent(typeUrl, nonce, push.version, digest, packed.length);
      connection.recordSentResources(typeUrl, prepared.sent);
      round?.pending.add(nonce);
      this.metricsData.countPush(metricType(typeUrl));
      this.log('debug', `ADS:${shortTypeName(typeUrl)}: PUSH ${id} resources:${packed.length} version:${push.version} nonce:${nonce}`);
    }
  }

}
