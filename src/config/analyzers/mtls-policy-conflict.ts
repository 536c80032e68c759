// SKIFF0002 / SKIFF0003: client TLS (DestinationRule) that contradicts the mTLS the server
// workloads accept (PeerAuthentication).
//  - DestinationRule `tls.mode: DISABLE` towards STRICT workloads: clients send plain text, the
//    server sidecar rejects it, requests fail with 503.
//  - DestinationRule `ISTIO_MUTUAL` towards workloads with mTLS DISABLE: clients send mTLS the
//    server does not terminate, requests fail with 503.
//  - With auto mTLS off, STRICT workloads need a DestinationRule saying ISTIO_MUTUAL, or clients
//    send plain text.
// A DestinationRule is checked for the clients of its own namespace, where it certainly applies.
import type { AnalysisContext, Analyzer } from './context.js';
import { destinationRules, destinationRulesFor, tlsForPort, type DestinationRuleInfo } from './destination-rules.js';
import { hostCovers } from './hosts.js';
import { MTLSPolicyConflict, MTLSRequiredWithoutDestinationRule } from './messages.js';
import { effectiveMtls, type EffectiveMtls } from './peer-authentication.js';
import { meshServices, workloadsOf, type MeshService, type ServicePort, type Workload } from './registry.js';

/** The container port a Service port lands on, for port-level PeerAuthentication. */
function targetPortOn(port: ServicePort, w: Workload | undefined): number | undefined {
  if (typeof port.targetPort === 'number') return port.targetPort;
  if (typeof port.targetPort === 'string') return w?.containerPorts.find((c) => c.name === port.targetPort)?.port;
  return port.number;
}

/** Server-side mTLS for each workload behind a service port (namespace-level when none is known). */
function serverModes(ctx: AnalysisContext, svc: MeshService, port: ServicePort): EffectiveMtls[] {
  const behind = workloadsOf(ctx, svc);
  const targets: (Workload | undefined)[] = behind.length > 0 ? behind : [undefined];
  return targets.map((w) => effectiveMtls(ctx, svc.namespace, w?.labels, targetPortOn(port, w)));
}

function conflictEffect(clientMode: string, serverMode: string): string | undefined {
  if (clientMode === 'DISABLE' && serverMode === 'STRICT') return 'clients send plain text that the workloads reject, so requests fail with 503';
  if (clientMode === 'ISTIO_MUTUAL' && serverMode === 'DISABLE') return 'clients send mTLS that the workloads do not accept, so requests fail with 503';
  return undefined;
}

function checkRule(ctx: AnalysisContext, dr: DestinationRuleInfo, services: MeshService[], reported: Set<string>): void {
  for (const svc of services) {
    if (!hostCovers(dr.host, svc.host)) continue;
    if (!destinationRulesFor(ctx, svc.host, dr.entry.namespace).includes(dr)) continue;
    for (const port of svc.ports) {
      const tls = tlsForPort(dr, port.number);
      if (!tls) continue;
      for (const server of serverModes(ctx, svc, port)) {
        const effect = conflictEffect(tls.mode, server.mode);
        if (!effect || !server.policy) continue;
        const key = `${dr.entry.fullName}|${svc.host}|${server.policy.fullName}|${tls.mode}`;
        if (reported.has(key)) continue;
        reported.add(key);
        ctx.report(dr.entry, MTLSPolicyConflict, [svc.host, dr.entry.fullName, tls.mode, server.policy.fullName, server.mode, effect], tls.path);
      }
    }
  }
}

function checkWithoutAutoMtls(ctx: AnalysisContext, services: MeshService[]): void {
  const reported = new Set<string>();
  for (const svc of services) {
    for (const port of svc.ports) {
      const rules = destinationRulesFor(ctx, svc.host, svc.namespace);
      if (rules.some((dr) => tlsForPort(dr, port.number)?.mode === 'ISTIO_MUTUAL')) continue;
      for (const server of serverModes(ctx, svc, port)) {
        if (server.mode !== 'STRICT' || !server.policy) continue;
        const key = `${server.policy.fullName}|${svc.host}`;
        if (reported.has(key)) continue;
        reported.add(key);
        ctx.report(server.policy, MTLSRequiredWithoutDestinationRule, [svc.host, server.policy.fullName], server.path);
      }
    }
  }
}

export const mtlsPolicyConflictAnalyzer: Analyzer = {
  name: 'skiff.MTLSPolicyConflictAnalyzer',
  analyze(ctx) {
    const services = meshServices(ctx).filter((s) => s.kind === 'Service');
    const reported = new Set<string>();
    for (const dr of destinationRules(ctx)) {
      if (!dr.hasWorkloadSelector) checkRule(ctx, dr, services, reported);
    }
    if (ctx.options.meshConfig?.enableAutoMtls === false) checkWithoutAutoMtls(ctx, services);
  },
};
