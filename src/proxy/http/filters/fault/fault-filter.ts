// The fault injection filter: delays a request (flag DI) and/or answers it locally (flag FI) for a
// configured share of requests. A route's typed_per_filter_config replaces the filter's config.

import { headerMatches } from '../../../config/header-matcher.js';
import { headerValue } from '../../../config/request-view.js';
import { ResponseFlag } from '../../../telemetry/response-flags.js';
import type { FilterContext, HttpFilter } from '../../filter.js';
import type { FaultConfig } from './config.js';

export class FaultFilter implements HttpFilter {
  private active = 0;

  constructor(readonly name: string, private readonly config: FaultConfig, private readonly random: () => number = Math.random) {}

  onRequest(ctx: FilterContext): void | Promise<void> {
    const config = (ctx.perFilterConfig(this.name) as FaultConfig | undefined) ?? this.config;
    if (!config.delay && !config.abort) return;
    if (!this.applies(config, ctx)) return;
    if (config.maxActiveFaults !== undefined && this.active >= config.maxActiveFaults) return;
    const delayMs = this.delayMs(config, ctx);
    if (delayMs === undefined) {
      this.maybeAbort(config, ctx);
      return;
    }
    ctx.addResponseFlag(ResponseFlag.DelayInjected);
    this.active++;
    return new Promise<void>((resolve) => {
      setTimeout(() => {
        this.active--;
        if (!ctx.aborted) this.maybeAbort(config, ctx);
        resolve();
      }, delayMs);
    });
  }

  private applies(config: FaultConfig, ctx: FilterContext): boolean {
    if (config.upstreamCluster !== undefined && ctx.clusterName !== config.upstreamCluster) return false;
    for (const h of config.headers) if (!headerMatches(h, ctx.view)) return false;
    if (config.downstreamNodes.length > 0) {
      const node = headerValue(ctx.view.headers, 'x-envoy-downstream-service-node');
      if (node === undefined || !config.downstreamNodes.includes(node)) return false;
    }
    return true;
  }

  private delayMs(config: FaultConfig, ctx: FilterContext): number | undefined {
    const d = config.delay;
    if (!d || this.random() >= d.probability) return undefined;
    if (d.ms !== 'header') return d.ms > 0 ? d.ms : undefined;
    const v = Number(headerValue(ctx.view.headers, 'x-envoy-fault-delay-request'));
    return Number.isFinite(v) && v > 0 ? v : undefined;
  }

  private maybeAbort(config: FaultConfig, ctx: FilterContext): void {
    const a = config.abort;
    if (!a || this.random() >= a.probability) return;
    let status = a.httpStatus;
    if (a.header) {
      const v = Number(headerValue(ctx.view.headers, 'x-envoy-fault-abort-request'));
      if (!Number.isInteger(v) || v < 200 || v >= 600) return;
      status = v;
    }
    if (a.grpcStatus !== undefined) {
      ctx.sendGrpcLocalReply(a.grpcStatus, 'fault filter abort', ResponseFlag.FaultInjected, 'fault_filter_abort');
      return;
    }
    if (status !== undefined) ctx.sendLocalReply(status, 'fault filter abort', ResponseFlag.FaultInjected, 'fault_filter_abort');
  }
}
