// A compiled listener with the runtime objects of its filter chains (HTTP connection managers,
// TCP proxies), created on first use. A listener update builds a new ListenerRuntime; connections
// already accepted keep the one they started with.

import { compileRouteConfiguration } from '../config/route-configuration.js';
import type { FilterChain, Listener } from '../config/listener.js';
import type { HttpConnectionManagerConfig } from '../config/http-connection-manager.js';
import { ErrorSink } from '../config/reader.js';
import { HttpConnectionManager } from '../http/connection-manager.js';
import type { ProxyContext } from '../http/proxy-context.js';
import { TcpProxy } from './tcp-proxy.js';
import { createSecureContext, type SecureContext } from 'node:tls';
import type { ProxySnapshot } from '../config/snapshot.js';
import { resolveTls, type ResolvedTls } from '../tls/tls-options.js';

export type ChainRuntime =
  | { readonly kind: 'http'; readonly hcm: HttpConnectionManager }
  | { readonly kind: 'tcp'; readonly tcp: TcpProxy; readonly chain: FilterChain };

interface CachedContext {
  readonly secrets: ProxySnapshot['secrets'];
  readonly context: SecureContext;
  readonly resolved: ResolvedTls;
}

export class ListenerRuntime {
  private readonly runtimes = new Map<FilterChain, ChainRuntime>();
  private readonly secureContexts = new Map<FilterChain, CachedContext>();
  /** HTTP requests that an explicit proxy must send through a TCP chain (e.g. PassthroughCluster). */
  private readonly httpOverTcp = new Map<FilterChain, HttpConnectionManager>();

  constructor(readonly listener: Listener, private readonly proxy: ProxyContext) {}

  chainRuntime(chain: FilterChain): ChainRuntime {
    let rt = this.runtimes.get(chain);
    if (!rt) {
      rt = chain.filter.kind === 'http'
        ? { kind: 'http', hcm: new HttpConnectionManager(chain.filter.hcm, this.proxy, this.listener.trafficDirection) }
        : { kind: 'tcp', tcp: new TcpProxy(chain.filter.tcpProxy, this.proxy.clusters, this.proxy.accessLog), chain };
      this.runtimes.set(chain, rt);
    }
    return rt;
  }

  /**
   * An HTTP connection manager that forwards every request to the TCP chain's cluster, for
   * absolute-form requests an explicit proxy receives for a TCP destination: forwarding the
   * request is what tunnelling its bytes would have done.
   */
  httpForTcpChain(chain: FilterChain): HttpConnectionManager | undefined {
    if (chain.filter.kind !== 'tcp') return undefined;
    let hcm = this.httpOverTcp.get(chain);
    if (hcm) return hcm;
    const tcp = chain.filter.tcpProxy;
    const sink = new ErrorSink();
    const clusters = tcp.clusters.map((c) => ({ name: c.name, weight: c.weight }));
    const routeConfig = compileRouteConfiguration(
      {
        name: `${this.listener.name}/tcp-as-http`,
        virtual_hosts: [
          {
            name: 'tcp',
            domains: ['*'],
            routes: [{ match: { prefix: '/' }, route: clusters.length === 1 ? { cluster: clusters[0]!.name, timeout: '0s' } : { weighted_clusters: { clusters }, timeout: '0s' } }],
          },
        ],
      },
      '',
      sink,
    );
    if (!routeConfig) return undefined;
    const config: HttpConnectionManagerConfig = {
      statPrefix: tcp.statPrefix || this.listener.name,
      codecType: 'HTTP1',
      routeSource: { kind: 'inline', config: routeConfig },
      httpFilters: [],
      router: { suppressEnvoyHeaders: true },
      accessLogs: tcp.accessLogs,
      useRemoteAddress: false,
      xffNumTrustedHops: 0,
      skipXffAppend: true,
      generateRequestId: false,
      preserveExternalRequestId: true,
      alwaysSetRequestIdInResponse: false,
      streamIdleTimeoutMs: tcp.idleTimeoutMs,
      requestTimeoutMs: 0,
      requestHeadersTimeoutMs: 0,
      idleTimeoutMs: tcp.idleTimeoutMs,
      maxRequestHeadersKb: 60,
      maxHeadersCount: 100,
      drainTimeoutMs: 5000,
      serverName: 'envoy',
      serverHeaderTransformation: 'PASS_THROUGH',
      websocketUpgrade: true,
      normalizePath: false,
      mergeSlashes: false,
      stripPortMode: 'none',
    };
    hcm = new HttpConnectionManager(config, this.proxy, this.listener.trafficDirection);
    this.httpOverTcp.set(chain, hcm);
    return hcm;
  }

  /**
   * The TLS context of a chain with a DownstreamTlsContext, built once per set of SDS secrets;
   * undefined while a secret it names has not arrived.
   */
  secureContextFor(chain: FilterChain): { context: SecureContext; resolved: ResolvedTls } | undefined {
    if (chain.transportSocket.kind !== 'tls') return undefined;
    const secrets = this.proxy.current.secrets;
    const cached = this.secureContexts.get(chain);
    if (cached && cached.secrets === secrets) return cached;
    const resolved = resolveTls(chain.transportSocket.tls, secrets);
    if (resolved.missingSecret || !resolved.cert || !resolved.key) return undefined;
    const context = createSecureContext({ cert: resolved.cert, key: resolved.key, ca: resolved.ca, minVersion: resolved.minVersion, maxVersion: resolved.maxVersion });
    const entry = { secrets, context, resolved };
    this.secureContexts.set(chain, entry);
    return entry;
  }

  connectionManagers(): HttpConnectionManager[] {
    const out: HttpConnectionManager[] = [];
    for (const rt of this.runtimes.values()) if (rt.kind === 'http') out.push(rt.hcm);
    out.push(...this.httpOverTcp.values());
    return out;
  }

  drain(): void {
    for (const h of this.connectionManagers()) h.drain();
  }

  /** Replaced by a listener update (or removed): connections move over gracefully. */
  retire(): void {
    for (const h of this.connectionManagers()) h.retire();
  }

  closeAll(): void {
    for (const h of this.connectionManagers()) h.closeAll();
  }
}
