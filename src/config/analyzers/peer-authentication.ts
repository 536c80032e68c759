// The mTLS mode a workload's sidecar accepts, as PeerAuthentication decides it: a workload policy
// (selector) over the namespace policy over the mesh policy (root namespace), a port-level mode over
// the policy's own, UNSET inheriting from the level above, and PERMISSIVE when nothing says.
import { SECURITY, type AnalysisContext, type Entry } from './context.js';
import { at, labelsMatch, record, str, stringMap } from './fields.js';

export type MtlsMode = 'STRICT' | 'PERMISSIVE' | 'DISABLE';

export interface EffectiveMtls {
  mode: MtlsMode;
  /** The PeerAuthentication that decided it; undefined for the PERMISSIVE default. */
  policy?: Entry;
  /** Field path of the deciding `mode`. */
  path?: (string | number)[];
}

function setMode(v: unknown): MtlsMode | undefined {
  const mode = str(record(v)?.mode);
  return mode === 'STRICT' || mode === 'PERMISSIVE' || mode === 'DISABLE' ? mode : undefined;
}

function selectorOf(pa: Entry): Record<string, string> {
  return stringMap(at(pa.spec, 'selector', 'matchLabels'));
}

/**
 * The mode for a workload with `labels` in `namespace` on `port`. Without labels (no workload
 * known) only namespace and mesh policies count.
 */
export function effectiveMtls(ctx: AnalysisContext, namespace: string, labels: Record<string, string> | undefined, port: number | undefined): EffectiveMtls {
  const policies = ctx.of(SECURITY, 'PeerAuthentication');
  const levels: Entry[] = [];
  if (labels) {
    const workloadPolicy = policies.find((pa) => {
      const selector = selectorOf(pa);
      return pa.namespace === namespace && Object.keys(selector).length > 0 && labelsMatch(selector, labels);
    });
    if (workloadPolicy) {
      const portMode = port !== undefined ? setMode(at(workloadPolicy.spec, 'portLevelMtls', String(port))) : undefined;
      if (portMode) return { mode: portMode, policy: workloadPolicy, path: ['spec', 'portLevelMtls', String(port), 'mode'] };
      levels.push(workloadPolicy);
    }
  }
  const wide = (ns: string) => policies.find((pa) => pa.namespace === ns && Object.keys(selectorOf(pa)).length === 0);
  const nsPolicy = wide(namespace);
  if (nsPolicy) levels.push(nsPolicy);
  const meshPolicy = namespace === ctx.rootNamespace ? undefined : wide(ctx.rootNamespace);
  if (meshPolicy) levels.push(meshPolicy);
  for (const pa of levels) {
    const mode = setMode(pa.spec.mtls);
    if (mode) return { mode, policy: pa, path: ['spec', 'mtls', 'mode'] };
  }
  return { mode: 'PERMISSIVE' };
}
