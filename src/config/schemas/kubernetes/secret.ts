// Secret (core/v1): base64 `data`, plain `stringData` (merged into data on write), and the keys
// each well-known type requires. Istio gateways read `tls.crt`, `tls.key` and `ca.crt` from these.
import { z } from 'zod';
import { strictObject } from '../common.js';
import { base64Size, base64Value, dataKey, MAX_DATA_BYTES } from './meta.js';

/** Keys the well-known Secret types require; a list means at least one of them. */
const REQUIRED_KEYS: Record<string, readonly string[][]> = {
  'kubernetes.io/tls': [['tls.crt'], ['tls.key']],
  'kubernetes.io/dockerconfigjson': [['.dockerconfigjson']],
  'kubernetes.io/dockercfg': [['.dockercfg']],
  'kubernetes.io/basic-auth': [['username', 'password']],
  'kubernetes.io/ssh-auth': [['ssh-privatekey']],
};

export const secretBodySchema = strictObject({
  type: z.string().min(1, 'type must not be empty').optional(),
  data: z.record(dataKey, base64Value).optional(),
  stringData: z.record(dataKey, z.string()).optional(),
  immutable: z.boolean().optional(),
}).superRefine((secret, ctx) => {
  const keys = new Set([...Object.keys(secret.data ?? {}), ...Object.keys(secret.stringData ?? {})]);
  for (const anyOf of REQUIRED_KEYS[secret.type ?? 'Opaque'] ?? []) {
    if (!anyOf.some((k) => keys.has(k))) {
      ctx.addIssue({ code: 'custom', path: ['data'], message: `a ${secret.type} Secret needs ${anyOf.length > 1 ? `at least one of ${anyOf.map((k) => `"${k}"`).join(', ')}` : `key "${anyOf[0]}"`} in data or stringData` });
    }
  }
  const size = Object.values(secret.data ?? {}).reduce((n, v) => n + base64Size(v), 0)
    + Object.values(secret.stringData ?? {}).reduce((n, v) => n + Buffer.byteLength(v), 0);
  if (size > MAX_DATA_BYTES) ctx.addIssue({ code: 'custom', path: ['data'], message: `a Secret holds at most 1 MiB of data, this one ${size} bytes` });
});
export type SecretBody = z.infer<typeof secretBodySchema>;
