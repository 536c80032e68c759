// The proxy's ADS client (state of the world) over gRPC: subscribes to CDS and LDS (wildcard), then
// EDS and RDS for what those name; ACKs what it applied and NACKs with the reasons what it could
// not, keeping the last good config. When the stream breaks it reconnects with jittered backoff
// and re-subscribes with the versions it has, while the proxy keeps serving.

import type * as grpc from '@grpc/grpc-js';
import { createAdsClient, openAdsStream, type AdsClientStream } from '../../xds/ads-service.js';
import type { DiscoveryResponse, XdsNode } from '../../xds/discovery.js';
import type { JsonObject } from '../../xds/json-types.js';
import type { ProxyConfigSource } from '../config-source.js';
import { KIND_TYPE_URL, type ResourceKind } from '../config/resources.js';
import { EMPTY_SNAPSHOT, type ProxySnapshot } from '../config/snapshot.js';
import type { Stat, StatsStore } from '../telemetry/stats.js';
import { dependentNames, initialTypeStates, isWildcard, processResponse, pruneUnsubscribed, SUBSCRIPTION_ORDER, type TypeState } from './xds-state.js';

export interface AdsConfigSourceOptions {
  /** `host:port` of the control plane's ADS server. */
  address: string;
  node: { id: string; cluster: string; metadata?: Record<string, unknown> };
  log: (msg: string) => void;
  stats: StatsStore;
  /** Reconnect backoff bounds (defaults 250 ms … 15 s). */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
}

const INVALID_ARGUMENT = 3;

const STAT_PREFIX: Record<ResourceKind, string> = {
  cluster: 'cluster_manager.cds',
  listener: 'listener_manager.lds',
  route: 'rds',
  endpoint: 'cluster_manager.eds',
  secret: 'sds',
};

export interface AdsStatus {
  connected: boolean;
  address: string;
  types: Record<ResourceKind, TypeState>;
}

export class AdsConfigSource implements ProxyConfigSource {
  private client: grpc.Client | undefined;
  private stream: AdsClientStream | undefined;
  private apply: ((s: ProxySnapshot) => void | Promise<void>) | undefined;
  private snapshot: ProxySnapshot = EMPTY_SNAPSHOT;
  private readonly states = initialTypeStates();
  private reconnectTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  private stopped = false;
  private connected = false;
  private sentNode = false;
  /** Responses are handled one at a time, in arrival order. */
  private queue: Promise<void> = Promise.resolve();
  private readonly connectedState: Stat;
  private readonly updateStats: Record<ResourceKind, { success: Stat; rejected: Stat }>;

  constructor(private readonly options: AdsConfigSourceOptions) {
    const s = options.stats;
    this.connectedState = s.plain('gauge', 'control_plane.connected_state');
    this.updateStats = Object.fromEntries(
      (Object.keys(STAT_PREFIX) as ResourceKind[]).map((k) => [
        k,
        { success: s.plain('counter', `${STAT_PREFIX[k]}.update_success`), rejected: s.plain('counter', `${STAT_PREFIX[k]}.update_rejected`) },
      ]),
    ) as Record<ResourceKind, { success: Stat; rejected: Stat }>;
  }

  start(apply: (snapshot: ProxySnapshot) => void | Promise<void>): void {
    this.apply = apply;
    this.client = createAdsClient(this.options.address);
    this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.stream?.cancel();
    this.stream = undefined;
    this.client?.close();
    this.client = undefined;
    await this.queue;
  }

  status(): AdsStatus {
    return { connected: this.connected, address: this.options.address, types: this.states };
  }

  private connect(): void {
    if (this.stopped || !this.client) return;
    const stream = openAdsStream(this.client);
    this.stream = stream;
    this.sentNode = false;
    for (const kind of SUBSCRIPTION_ORDER) {
      this.states[kind].requested = false;
      this.states[kind].nonce = '';
    }
    stream.on('data', (response: DiscoveryResponse) => {
      if (stream !== this.stream) return;
      if (!this.connected) {
        this.connected = true;
        this.connectedState.value = 1;
        this.failures = 0;
        this.options.log(`connected to control plane ${this.options.address}`);
      }
      this.queue = this.queue.then(() => this.onResponse(stream, response)).catch((e: unknown) => {
        this.options.log(`xDS response handling failed: ${(e as Error).stack ?? String(e)}`);
      });
    });
    stream.on('error', (err: Error) => {
      if (stream !== this.stream) return;
      if (!this.stopped) this.options.log(`xDS stream to ${this.options.address} failed: ${err.message}`);
      this.onStreamGone(stream);
    });
    stream.on('end', () => this.onStreamGone(stream));
    // CDS and LDS first; EDS and RDS follow once the clusters and listeners name them. Resources
    // already held are re-requested with their versions, so a reconnect resumes where it was.
    for (const kind of SUBSCRIPTION_ORDER) {
      if (isWildcard(kind) || this.states[kind].names.length > 0) this.sendRequest(kind);
    }
  }

  private onStreamGone(stream: AdsClientStream): void {
    if (stream !== this.stream) return;
    this.stream = undefined;
    stream.removeAllListeners('data');
    stream.on('error', () => undefined);
    if (this.connected) {
      this.connected = false;
      this.connectedState.value = 0;
    }
    if (this.stopped) return;
    // Jittered exponential backoff; the proxy keeps serving its last config meanwhile.
    const base = this.options.backoffBaseMs ?? 250;
    const max = this.options.backoffMaxMs ?? 15_000;
    const delay = Math.min(max, base * 2 ** this.failures) * (0.5 + Math.random() / 2);
    this.failures++;
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
    this.reconnectTimer.unref();
  }

  private node(): XdsNode {
    const n = this.options.node;
    return {
      id: n.id,
      cluster: n.cluster,
      metadata: (n.metadata ?? {}) as JsonObject,
      user_agent_name: 'skiff-proxy',
      user_agent_version: '0.1.0',
    };
  }

  private sendRequest(kind: ResourceKind, errorDetail?: string, nonceOverride?: string): void {
    const stream = this.stream;
    if (!stream) return;
    const state = this.states[kind];
    state.requested = true;
    stream.write({
      version_info: state.version,
      node: this.sentNode ? undefined : this.node(),
      resource_names: isWildcard(kind) ? [] : state.names,
      type_url: KIND_TYPE_URL[kind],
      response_nonce: nonceOverride ?? state.nonce,
      error_detail: errorDetail === undefined ? undefined : { code: INVALID_ARGUMENT, message: errorDetail },
    });
    this.sentNode = true;
  }

  private async onResponse(stream: AdsClientStream, response: DiscoveryResponse): Promise<void> {
    if (stream !== this.stream || this.stopped) return;
    const outcome = processResponse(this.snapshot, response, this.states);
    const now = new Date().toISOString();
    const kind = outcome.kind;
    if (!kind) {
      this.options.log(`NACK ${response.type_url}: ${outcome.ack ? '' : outcome.error}`);
      stream.write({ version_info: '', resource_names: [], type_url: response.type_url, response_nonce: response.nonce, error_detail: { code: INVALID_ARGUMENT, message: outcome.ack ? '' : outcome.error } });
      return;
    }
    const state = this.states[kind];
    // Apply what is valid (all of it on an ACK, the rest of it on a NACK), then answer.
    if (outcome.snapshot) {
      let snapshot = outcome.snapshot;
      const deps = dependentNames(snapshot);
      if (kind === 'listener' || kind === 'cluster') {
        // Keep only RDS/EDS/SDS resources the current listeners and clusters still use.
        snapshot = pruneUnsubscribed(snapshot, kind === 'listener' ? 'route' : 'endpoint', deps[kind === 'listener' ? 'route' : 'endpoint']);
        snapshot = pruneUnsubscribed(snapshot, 'secret', deps.secret);
      }
      this.snapshot = snapshot;
      await this.apply?.(snapshot);
    }
    state.nonce = outcome.nonce;
    if (outcome.ack) {
      state.version = outcome.version;
      state.lastAck = { version: outcome.version, at: now };
      this.updateStats[kind].success.value++;
      this.sendRequest(kind);
    } else {
      this.options.log(`NACK ${response.type_url} version ${JSON.stringify(response.version_info)}: ${outcome.error}`);
      state.lastNack = { version: response.version_info, at: now, error: outcome.error };
      this.updateStats[kind].rejected.value++;
      this.sendRequest(kind, outcome.error);
    }
    // Follow what the listeners and clusters now refer to.
    if (outcome.snapshot) {
      const deps = dependentNames(this.snapshot);
      if (kind === 'listener') this.resubscribe('route', deps.route);
      if (kind === 'cluster') this.resubscribe('endpoint', deps.endpoint);
      if (kind === 'listener' || kind === 'cluster') this.resubscribe('secret', deps.secret);
    }
  }

  private resubscribe(kind: 'route' | 'endpoint' | 'secret', names: string[]): void {
    const state = this.states[kind];
    if (state.requested && sameList(state.names, names)) return;
    if (!state.requested && names.length === 0) return;
    state.names = names;
    this.sendRequest(kind);
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
