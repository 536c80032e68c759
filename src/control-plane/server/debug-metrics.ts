// /metrics: istiod's Prometheus metrics. The ADS server's (pilot_xds_pushes, pilot_xds,
// pilot_total_xds_rejects, pilot_proxy_convergence_time) plus the push context's: how many pushes
// each kind of change triggered (pilot_push_triggers; one push context is built per push) and
// the size of the current push (pilot_services, pilot_virt_services).
import type { PushContext } from '../model/push-context.js';
import type { PushRequest } from '../model/push-builder.js';

/** Counts pushes by what triggered them, as istiod's pilot_push_triggers does. */
export class PushTriggerCounter {
  private readonly counts = new Map<string, number>();

  /** Called for every push context built after a change. */
  record(request: PushRequest): void {
    // Istio's trigger names: config changes are "config", workload changes "endpoint".
    for (const reason of request.reasons) this.counts.set(reason, (this.counts.get(reason) ?? 0) + 1);
  }

  snapshot(): Readonly<Record<string, number>> {
    return Object.fromEntries(this.counts);
  }
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

export function formatPushMetrics(triggers: PushTriggerCounter, push: PushContext | undefined): string {
  const counts = triggers.snapshot();
  const lines = [
    '# HELP pilot_push_triggers Total number of times a push was triggered, labeled by reason for the push.',
    '# TYPE pilot_push_triggers counter',
    ...Object.keys(counts).sort().map((k) => `pilot_push_triggers{type="${escapeLabel(k)}"} ${counts[k]}`),
  ];
  if (push) {
    lines.push(
      '# HELP pilot_services Total services known to pilot.',
      '# TYPE pilot_services gauge',
      `pilot_services ${push.registry.services.length}`,
      '# HELP pilot_virt_services Total virtual services known to pilot.',
      '# TYPE pilot_virt_services gauge',
      `pilot_virt_services ${push.virtualServices.all.length}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
