// Namespace (core/v1). Sidecar injection reads the namespace's `istio-injection` label, which lives
// in metadata; the body holds only finalizers and status.
import { z } from 'zod';
import { strictObject } from '../common.js';

export const namespaceSpecSchema = strictObject({
  finalizers: z.array(z.string().min(1, 'finalizer must not be empty')).optional(),
});
export type NamespaceSpec = z.infer<typeof namespaceSpecSchema>;

export const namespaceBodySchema = strictObject({
  spec: namespaceSpecSchema.optional(),
  status: z.unknown().optional(),
});
