// ServiceAccount (core/v1). In the mesh a service account is the workload's identity: the SPIFFE
// ID spiffe://<trust domain>/ns/<namespace>/sa/<name> comes from its metadata.
import { z } from 'zod';
import { strictObject } from '../common.js';
import { localObjectReferenceSchema, objectReferenceSchema } from './meta.js';

export const serviceAccountBodySchema = strictObject({
  secrets: z.array(objectReferenceSchema).optional(),
  imagePullSecrets: z.array(localObjectReferenceSchema).optional(),
  automountServiceAccountToken: z.boolean().optional(),
});
export type ServiceAccountBody = z.infer<typeof serviceAccountBodySchema>;
