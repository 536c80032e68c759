// How an Istio policy (AuthorizationPolicy, RequestAuthentication, Telemetry) picks the workloads it
// applies to: a workload selector, or a targetRef(s) naming a Service, ServiceEntry or Gateway.
// The rules are the CRDs' CEL validations and istiod's validatePolicyTargetReference.
import { z } from 'zod';
import { strictObject } from '../common.js';

const KIND_RE = /^[a-zA-Z](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?$/;
const GROUP_RE = /^$|^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/;

/**
 * Istio's WorkloadSelector. Its CRD rejects wildcards and empty keys; label syntax itself is the
 * pods' business, so values are only limited to Kubernetes' 63 characters.
 */
export const workloadSelector = strictObject({
  matchLabels: z.record(
    z.string().min(1, 'key must not be empty').refine((k) => !k.includes('*'), 'wildcard not allowed in label key match'),
    z.string().max(63, 'label values are at most 63 characters').refine((v) => !v.includes('*'), 'wildcard not allowed in label value match'),
  ).optional(),
});
export type WorkloadSelector = z.infer<typeof workloadSelector>;

/** What a targetRef may point at (istiod's allowedTargetRefs); group '' is the core group. */
const ALLOWED_TARGETS: readonly { group: string; kind: string }[] = [
  { group: '', kind: 'Service' },
  { group: 'networking.istio.io', kind: 'ServiceEntry' },
  { group: 'gateway.networking.k8s.io', kind: 'Gateway' },
  { group: 'gateway.networking.k8s.io', kind: 'GatewayClass' },
];
const ALLOWED_TARGETS_TEXT = ALLOWED_TARGETS.map((t) => (t.group ? `${t.group}/${t.kind}` : t.kind)).join(', ');

export const policyTargetReference = strictObject({
  group: z.string().max(253).regex(GROUP_RE, 'group must be empty (the core group) or a DNS subdomain such as "gateway.networking.k8s.io"').optional(),
  kind: z.string().min(1, 'kind must not be empty').max(63).regex(KIND_RE, 'kind must start with a letter and hold only letters, digits and "-"'),
  name: z.string().min(1, 'name must not be empty').max(253),
  namespace: z.string().optional(),
}).superRefine((ref, ctx) => {
  if (ref.namespace) {
    ctx.addIssue({ code: 'custom', path: ['namespace'], message: 'cross namespace referencing is not currently supported: leave namespace empty' });
  }
  const group = ref.group ?? '';
  if (!ALLOWED_TARGETS.some((t) => t.group === group && t.kind === ref.kind)) {
    ctx.addIssue({ code: 'custom', path: ['kind'], message: `targetRef must be to one of ${ALLOWED_TARGETS_TEXT}, got ${group ? `${group}/` : ''}${ref.kind}` });
  }
});
export type PolicyTargetReference = z.infer<typeof policyTargetReference>;

export const policyTargetReferences = z.array(policyTargetReference).max(16, 'at most 16 targetRefs');

/** The three ways to select workloads, as shape fields to spread into a policy's spec. */
export const policyTargetFields = {
  selector: workloadSelector.optional(),
  targetRef: policyTargetReference.optional(),
  targetRefs: policyTargetReferences.optional(),
};

/**
 * Only one of selector, targetRef and targetRefs may be set (the CRDs' CEL rule). The issue points
 * at the field that conflicts with an earlier one.
 */
export function checkSingleTarget(
  spec: { selector?: unknown; targetRef?: unknown; targetRefs?: unknown },
  ctx: z.RefinementCtx,
): void {
  const present = (['selector', 'targetRef', 'targetRefs'] as const).filter((k) => spec[k] !== undefined);
  if (present.length > 1) {
    ctx.addIssue({ code: 'custom', path: [present[1]!], message: `only one of selector, targetRef or targetRefs can be set (found ${present.join(' and ')})` });
  }
}
