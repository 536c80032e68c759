// IST0102: a namespace that holds workloads but says nothing about sidecar injection, so its pods
// run outside the mesh; IST0123: a namespace with more than one kind of injection label.
// Istio reports every unlabelled namespace; Skiff only those with workloads in the analyzed
// configuration, since an empty namespace has nothing to inject.
import { CORE, type Analyzer } from './context.js';
import { NamespaceMultipleInjectionLabels, NamespaceNotInjected } from './messages.js';
import { workloads } from './registry.js';

const INJECTION = 'istio-injection';
const REVISION = 'istio.io/rev';
const DATAPLANE_MODE = 'istio.io/dataplane-mode';

export const namespaceInjectionAnalyzer: Analyzer = {
  name: 'injection.Analyzer',
  analyze(ctx) {
    const withWorkloads = new Set(workloads(ctx).filter((w) => w.entry.kind !== 'WorkloadEntry').map((w) => w.namespace));
    for (const ns of ctx.of(CORE, 'Namespace')) {
      if (ns.name === ctx.rootNamespace) continue;
      const labels = ns.labels;
      const injection = labels[INJECTION];
      const found: string[] = [];
      if (injection !== undefined) found.push(`${INJECTION}=${injection}`);
      for (const l of [REVISION, DATAPLANE_MODE]) {
        if (l in labels && (injection === undefined || injection === 'enabled')) found.push(`${l}=${labels[l]}`);
      }
      if (found.length > 1) ctx.report(ns, NamespaceMultipleInjectionLabels, [found], ['metadata', 'labels']);
      if (labels[DATAPLANE_MODE] === 'ambient') continue;
      if (injection === undefined && !(REVISION in labels) && withWorkloads.has(ns.name)) {
        ctx.report(ns, NamespaceNotInjected, [ns.name], ['metadata', 'name']);
      }
    }
  },
};
