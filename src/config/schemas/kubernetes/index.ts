import type { ZodType } from 'zod';

export const kubernetesSchemas: Record<string, ZodType> = {};
