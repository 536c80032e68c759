// The two selector shapes the networking kinds use: `{matchLabels}` (istio.type.v1beta1, as in
// DestinationRule) and `{labels}` (networking.v1alpha3, as in Sidecar, ServiceEntry, EnvoyFilter).
import { z } from 'zod';
import { labelMap } from '../common.js';
import { list, str, strict } from './fields.js';

export const matchLabelsSelector = strict({ matchLabels: labelMap.optional() });
export type MatchLabelsSelector = z.infer<typeof matchLabelsSelector>;

export const labelsSelector = strict({ labels: labelMap.optional() });
export type WorkloadSelector = z.infer<typeof labelsSelector>;

/** A reference to the resource a policy attaches to (a Gateway API Gateway, a Service). */
export const policyTargetReference = strict({
  group: str.optional(),
  kind: str,
  name: str,
  namespace: str.optional(),
});
export type PolicyTargetReference = z.infer<typeof policyTargetReference>;

export const policyTargetReferences = list(policyTargetReference);
