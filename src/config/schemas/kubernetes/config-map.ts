// ConfigMap (core/v1): plain `data` and base64 `binaryData`, whose keys may not overlap.
import { z } from 'zod';
import { strictObject } from '../common.js';
import { base64Size, base64Value, dataKey, MAX_DATA_BYTES } from './meta.js';

export const configMapBodySchema = strictObject({
  data: z.record(dataKey, z.string({ error: (iss) => (iss.input === undefined ? undefined : 'ConfigMap values are strings: quote numbers and booleans') })).optional(),
  binaryData: z.record(dataKey, base64Value).optional(),
  immutable: z.boolean().optional(),
}).superRefine((cm, ctx) => {
  for (const key of Object.keys(cm.binaryData ?? {})) {
    if (cm.data && Object.prototype.hasOwnProperty.call(cm.data, key)) ctx.addIssue({ code: 'custom', path: ['binaryData', key], message: `duplicate of key "${key}" present in data` });
  }
  const size = Object.values(cm.data ?? {}).reduce((n, v) => n + Buffer.byteLength(v), 0)
    + Object.values(cm.binaryData ?? {}).reduce((n, v) => n + base64Size(v), 0);
  if (size > MAX_DATA_BYTES) ctx.addIssue({ code: 'custom', message: `a ConfigMap holds at most 1 MiB of data, this one ${size} bytes` });
});
export type ConfigMapBody = z.infer<typeof configMapBodySchema>;
