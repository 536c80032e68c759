// PeerAuthentication (security.istio.io v1/v1beta1): the mTLS mode a workload accepts, with
// per-port overrides. Rules from istio/api peer_authentication.proto, its CRD and istiod's
// ValidatePeerAuthentication.
import { z } from 'zod';
import { oneOf, strictObject } from '../common.js';
import { workloadSelector } from './policy-target.js';

export const MTLS_MODES = ['UNSET', 'DISABLE', 'PERMISSIVE', 'STRICT'] as const;
export type MutualTLSMode = (typeof MTLS_MODES)[number];

export const mutualTLSSchema = strictObject({ mode: oneOf(MTLS_MODES).optional() });
export type MutualTLS = z.infer<typeof mutualTLSSchema>;

/** Keys are port numbers; YAML hands them over as strings. */
const portLevelMtls = z.record(z.string(), mutualTLSSchema).superRefine((ports, ctx) => {
  const keys = Object.keys(ports);
  if (keys.length === 0) ctx.addIssue({ code: 'custom', message: 'portLevelMtls, if set, must have at least one port' });
  for (const key of keys) {
    if (!/^\d{1,5}$/.test(key) || Number(key) < 1 || Number(key) > 65535) {
      ctx.addIssue({ code: 'custom', path: [key], message: `port must be between 1 and 65535, got "${key}"` });
    }
  }
});

export const peerAuthenticationSpec = strictObject({
  selector: workloadSelector.optional(),
  mtls: mutualTLSSchema.optional(),
  portLevelMtls: portLevelMtls.optional(),
}).superRefine((spec, ctx) => {
  // A port only means something on a selected workload: mesh- and namespace-wide policies have none.
  if (spec.portLevelMtls !== undefined && Object.keys(spec.selector?.matchLabels ?? {}).length === 0) {
    ctx.addIssue({ code: 'custom', path: ['portLevelMtls'], message: 'portLevelMtls requires a selector with matchLabels: mesh-wide and namespace-wide policies cannot set port-level mTLS' });
  }
});
export type PeerAuthenticationSpec = z.infer<typeof peerAuthenticationSpec>;

export const peerAuthentication = strictObject({ spec: peerAuthenticationSpec, status: z.unknown().optional() });
