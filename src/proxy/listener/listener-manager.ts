// Listeners from LDS: bound ones get a TCP server on their address; `bind_to_port: false` ones
// are outbound listeners the sidecar's explicit proxy dispatches to by destination port. An update
// that keeps a listener's address swaps its filter chains in place; one that moves it rebinds.

import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { isIP } from 'node:net';
import type { Listener } from '../config/listener.js';
import type { ProxySnapshot } from '../config/snapshot.js';
import type { ProxyContext } from '../http/proxy-context.js';
import type { Stat } from '../telemetry/stats.js';
import { ExplicitProxy, type OutboundDispatch } from './explicit-proxy.js';
import { needsSniffing, selectFilterChain } from './filter-chain-match.js';
import { ListenerRuntime } from './listener-runtime.js';
import { acceptOnChain } from './chain-dispatch.js';
import { sniff, type SniffResult } from './protocol-sniffer.js';
import { TcpSessionInfo } from '../telemetry/tcp-session-info.js';
import { ResponseFlag } from '../telemetry/response-flags.js';

export type ProxyRole = 'sidecar' | 'router';

interface BoundListener {
  server: Server;
  runtime: ListenerRuntime;
  /** Earlier runtimes whose connections are still being served. */
  retired: ListenerRuntime[];
  explicitProxy?: ExplicitProxy;
  cxTotal: Stat;
  cxActive: Stat;
  sockets: Set<Socket>;
}

export interface ListenerStatus {
  name: string;
  address: string;
  /** The port actually bound (differs from config for port 0), undefined for virtual listeners. */
  boundPort?: number;
  error?: string;
}

const ANY = new Set(['0.0.0.0', '::', '']);

export class ListenerManager implements OutboundDispatch {
  private readonly bound = new Map<string, BoundListener>();
  private readonly virtual = new Map<string, ListenerRuntime>();
  private readonly errors = new Map<string, string>();
  private explicitProxyName: string | undefined;

  constructor(private readonly proxy: ProxyContext, private readonly role: ProxyRole, private readonly log: (msg: string) => void) {}

  /** Applies a snapshot's listeners; resolves when new listeners are bound (or failed to bind). */
  async apply(snapshot: ProxySnapshot): Promise<void> {
    const seen = new Set<string>();
    const binds: Promise<void>[] = [];
    for (const [name, entry] of snapshot.listeners) {
      seen.add(name);
      const l = entry.value;
      if (!l.bindToPort) {
        const prev = this.virtual.get(name);
        if (!prev || prev.listener !== l) {
          this.virtual.set(name, new ListenerRuntime(l, this.proxy));
          prev?.retire();
        }
        continue;
      }
      const existing = this.bound.get(name);
      if (existing && existing.runtime.listener === l) continue;
      if (existing && sameAddress(existing.runtime.listener, l)) {
        existing.retired.push(existing.runtime);
        existing.runtime.retire();
        existing.runtime = new ListenerRuntime(l, this.proxy);
        continue;
      }
      if (existing) this.unbind(name, existing);
      binds.push(this.bind(name, l));
    }
    for (const [name, b] of this.bound) if (!seen.has(name)) this.unbind(name, b);
    for (const [name, rt] of this.virtual) {
      if (!seen.has(name)) {
        rt.retire();
        this.virtual.delete(name);
      }
    }
    await Promise.all(binds);
  }

  private isExplicitProxy(l: Listener): boolean {
    return this.role === 'sidecar' && l.useOriginalDst && l.trafficDirection !== 'INBOUND';
  }

  private bind(name: string, l: Listener): Promise<void> {
    const runtime = new ListenerRuntime(l, this.proxy);
    // TCP_NODELAY as Envoy sets it: a response written in pieces must not wait on the peer's ACKs.
    const server = createServer({ pauseOnConnect: false, noDelay: true });
    const stat = (kind: 'counter' | 'gauge', suffix: string) => this.proxy.stats.scoped(kind, 'listener', 'listener_address', `${l.address.address}_${l.address.port}`, suffix);
    const b: BoundListener = { server, runtime, retired: [], cxTotal: stat('counter', 'downstream_cx_total'), cxActive: stat('gauge', 'downstream_cx_active'), sockets: new Set() };
    if (this.isExplicitProxy(l)) {
      b.explicitProxy = new ExplicitProxy(this, () => b.runtime);
      this.explicitProxyName = name;
    }
    server.on('connection', (socket: Socket) => this.onConnection(b, socket));
    this.bound.set(name, b);
    return new Promise((resolve) => {
      server.once('error', (err) => {
        this.errors.set(name, err.message);
        this.log(`listener ${name}: cannot bind ${l.address.address}:${l.address.port}: ${err.message}`);
        this.bound.delete(name);
        resolve();
      });
      server.listen({ host: l.address.address, port: l.address.port }, () => {
        this.errors.delete(name);
        resolve();
      });
    });
  }

  private onConnection(b: BoundListener, socket: Socket): void {
    b.cxTotal.value++;
    b.cxActive.value++;
    b.sockets.add(socket);
    socket.once('close', () => {
      b.cxActive.value--;
      b.sockets.delete(socket);
    });
    socket.on('error', () => socket.destroy());
    if (b.explicitProxy) {
      b.explicitProxy.accept(socket);
      return;
    }
    const runtime = b.runtime;
    const l = runtime.listener;
    const base = {
      destinationPort: socket.localPort ?? l.address.port,
      destinationIp: socket.localAddress,
      transportProtocol: 'raw_buffer',
      applicationProtocols: [] as string[],
      sourceIp: socket.remoteAddress,
      sourcePort: socket.remotePort,
    };
    if (!needsSniffing(l)) {
      this.dispatch(runtime, socket, base);
      return;
    }
    void sniff(socket, l.listenerFiltersTimeoutMs).then((r) => {
      if (!r && !l.continueOnListenerFiltersTimeout) {
        socket.destroy();
        return;
      }
      this.dispatch(runtime, socket, r ? { ...base, ...r } : base, r);
    });
  }

  private dispatch(runtime: ListenerRuntime, socket: Socket, info: Parameters<typeof selectFilterChain>[1], sniffed?: SniffResult): void {
    const chain = selectFilterChain(runtime.listener, info);
    if (!chain) {
      const logs = runtime.listener.accessLogs;
      if (logs.length > 0) {
        const c = new TcpSessionInfo(socket);
        c.responseFlags = ResponseFlag.NoRouteFound;
        c.responseCodeDetails = 'filter_chain_not_found';
        this.proxy.accessLog.log(logs, c);
      }
      socket.destroy();
      return;
    }
    acceptOnChain(runtime, chain, socket, undefined, sniffed);
  }

  /** OutboundDispatch: the bind_to_port:false listener for a destination, else the explicit proxy's. */
  listenerFor(host: string, port: number): ListenerRuntime | undefined {
    return this.outboundListenerFor(host, port) ?? (this.explicitProxyName ? this.bound.get(this.explicitProxyName)?.runtime : undefined);
  }

  /** The bind_to_port:false (outbound) listener where iptables would have sent host:port. */
  outboundListenerFor(host: string, port: number): ListenerRuntime | undefined {
    let wildcard: ListenerRuntime | undefined;
    const ip = isIP(host) ? host : undefined;
    for (const rt of this.virtual.values()) {
      const a = rt.listener.address;
      if (a.port !== port) continue;
      if (ip && a.address === ip) return rt;
      if (ANY.has(a.address)) wildcard ??= rt;
    }
    return wildcard;
  }

  private unbind(name: string, b: BoundListener): void {
    this.bound.delete(name);
    b.server.close();
    // Earlier runtimes of this listener are already retiring.
    b.runtime.retire();
    if (this.explicitProxyName === name) this.explicitProxyName = undefined;
  }

  /** `name: error` for each listener that failed to bind. */
  bindErrors(): string[] {
    return [...this.errors].map(([name, err]) => `${name}: ${err}`);
  }

  status(snapshot: ProxySnapshot): ListenerStatus[] {
    const out: ListenerStatus[] = [];
    for (const [name, entry] of snapshot.listeners) {
      const l = entry.value;
      const b = this.bound.get(name);
      const addr = b?.server.address() as AddressInfo | null | undefined;
      out.push({ name, address: `${l.address.address}:${l.address.port}`, boundPort: addr?.port, error: this.errors.get(name) });
    }
    return out;
  }

  boundAddress(name: string): AddressInfo | undefined {
    const addr = this.bound.get(name)?.server.address();
    return addr && typeof addr === 'object' ? addr : undefined;
  }

  /** Stops accepting; idle keep-alive connections close, busy ones finish their request. */
  drain(): void {
    for (const b of this.bound.values()) {
      b.server.close();
      b.explicitProxy?.http1.closeIdleConnections();
      b.runtime.drain();
      for (const r of b.retired) r.drain();
    }
    for (const rt of this.virtual.values()) rt.drain();
  }

  /** Closes every connection. */
  close(): void {
    for (const b of this.bound.values()) {
      b.server.close();
      b.runtime.closeAll();
      for (const r of b.retired) r.closeAll();
      b.explicitProxy?.http1.closeAllConnections();
      for (const s of b.sockets) s.destroy();
    }
    for (const rt of this.virtual.values()) rt.closeAll();
    this.bound.clear();
    this.virtual.clear();
  }

  activeConnections(): number {
    let n = 0;
    for (const b of this.bound.values()) n += b.sockets.size;
    return n;
  }
}

function sameAddress(a: Listener, b: Listener): boolean {
  return a.address.address === b.address.address && a.address.port === b.address.port;
}
