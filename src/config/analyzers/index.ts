// `skiff analyze`: Istio's configuration analyzers (istioctl analyze) over a set of resources.
// Every analyzer sees all resources; messages are then kept for the namespaces asked about,
// minus those a resource suppresses, sorted and deduplicated as istioctl does.
import { AnalysisContext, type Analyzer, type Reported } from './context.js';
import { conflictingGatewaysAnalyzer } from './conflicting-gateways.js';
import { conflictingMeshGatewayHostsAnalyzer } from './conflicting-mesh-gateway-hosts.js';
import { destinationRuleCaCertificatesAnalyzer } from './destination-rule-ca-certificates.js';
import { destinationRuleSubsetsAnalyzer } from './destination-rule-subsets.js';
import { InternalError, type AnalysisLevel } from './messages.js';
import { mtlsPolicyConflictAnalyzer } from './mtls-policy-conflict.js';
import { namespaceInjectionAnalyzer } from './namespace-injection.js';
import { notEnforcedAnalyzer } from './not-enforced.js';
import { schemaValidationAnalyzer } from './schema-validation.js';
import { servicePortNamesAnalyzer } from './service-port-names.js';
import type { AnalysisInput, AnalysisMessage, AnalysisOptions } from './types.js';
import { virtualServiceDestinationsAnalyzer } from './virtual-service-destinations.js';
import { virtualServiceGatewaysAnalyzer } from './virtual-service-gateways.js';
import { virtualServiceSubsetsAnalyzer } from './virtual-service-subsets.js';

export type { AnalysisInput, AnalysisMessage, AnalysisOptions } from './types.js';
export { analysisJson, formatAnalysis, type AnalysisTarget } from './format.js';

export const ANALYZERS: readonly Analyzer[] = [
  schemaValidationAnalyzer,
  notEnforcedAnalyzer,
  virtualServiceGatewaysAnalyzer,
  virtualServiceDestinationsAnalyzer,
  virtualServiceSubsetsAnalyzer,
  conflictingMeshGatewayHostsAnalyzer,
  destinationRuleSubsetsAnalyzer,
  destinationRuleCaCertificatesAnalyzer,
  mtlsPolicyConflictAnalyzer,
  servicePortNamesAnalyzer,
  namespaceInjectionAnalyzer,
  conflictingGatewaysAnalyzer,
];

/** `galley.istio.io/analyze-suppress: "IST0101,IST0118"` (or `*`) silences codes on one resource, as in Istio. */
const SUPPRESS = 'galley.istio.io/analyze-suppress';

const LEVEL_ORDER: Record<AnalysisLevel, number> = { Error: 0, Warning: 1, Info: 2 };

export function analyze(inputs: AnalysisInput[], opts: AnalysisOptions = {}): AnalysisMessage[] {
  return runAnalyzers(inputs, opts, ANALYZERS);
}

/** `analyze` with a chosen set of analyzers (tests run one at a time, as Istio's do). */
export function runAnalyzers(inputs: AnalysisInput[], opts: AnalysisOptions, analyzers: readonly Analyzer[]): AnalysisMessage[] {
  const ctx = new AnalysisContext(inputs, opts);
  for (const analyzer of analyzers) {
    try {
      analyzer.analyze(ctx);
    } catch (e) {
      // A bug in one analyzer must not hide what the others found.
      ctx.reported.push({
        code: InternalError.code, name: InternalError.name, level: InternalError.level,
        message: InternalError.format(`${analyzer.name}: ${(e as Error).message}`), resource: '',
        origin: { label: '', scope: '', sortKey: '', annotations: {} },
      });
    }
  }
  const wanted = ctx.reported.filter((m) => inScope(m, ctx) && !suppressed(m));
  wanted.sort(compare);
  const out: AnalysisMessage[] = [];
  let last = '';
  for (const m of wanted) {
    const { origin: _origin, ...message } = m;
    const key = JSON.stringify(message);
    if (key === last) continue;
    last = key;
    out.push(message);
  }
  return out;
}

/** Cluster-scoped resources and messages without a resource are always kept. */
function inScope(m: Reported, ctx: AnalysisContext): boolean {
  if (ctx.options.allNamespaces || m.origin.scope === '') return true;
  return m.origin.scope === ctx.defaultNamespace;
}

function suppressed(m: Reported): boolean {
  const codes = m.origin.annotations[SUPPRESS];
  if (!codes) return false;
  return codes.split(',').map((c) => c.trim()).some((c) => c === '*' || c === m.code);
}

/** istioctl's order: level, code, then `Kind/name/namespace`, then line and text. */
function compare(a: Reported, b: Reported): number {
  return LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level]
    || cmp(a.code, b.code)
    || cmp(a.origin.sortKey, b.origin.sortKey)
    || (a.line ?? 0) - (b.line ?? 0)
    || cmp(a.message, b.message);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
