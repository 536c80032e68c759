import type { ZodType } from 'zod';

export const gatewayApiSchemas: Record<string, ZodType> = {};
