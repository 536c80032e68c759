import type { ZodType } from 'zod';

export const securitySchemas: Record<string, ZodType> = {};
