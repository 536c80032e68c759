// Body schemas by `group/Kind` (see kinds.ts). Each API group keeps its schemas in its own folder.
import type { ZodType } from 'zod';
import { networkingSchemas } from './networking/index.js';
import { securitySchemas } from './security/index.js';
import { telemetrySchemas } from './telemetry/index.js';
import { gatewayApiSchemas } from './gateway-api/index.js';
import { installSchemas } from './install/index.js';
import { kubernetesSchemas } from './kubernetes/index.js';

export const bodySchemas: Record<string, ZodType> = {
  ...prefix('networking.istio.io', networkingSchemas),
  ...prefix('security.istio.io', securitySchemas),
  ...prefix('telemetry.istio.io', telemetrySchemas),
  ...prefix('gateway.networking.k8s.io', gatewayApiSchemas),
  ...prefix('install.istio.io', installSchemas),
  ...kubernetesSchemas, // keyed already: `Service`, `apps/Deployment`
};

function prefix(group: string, schemas: Record<string, ZodType>): Record<string, ZodType> {
  return Object.fromEntries(Object.entries(schemas).map(([k, v]) => [`${group}/${k}`, v]));
}
