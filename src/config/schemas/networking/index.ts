import type { ZodType } from 'zod';

export const networkingSchemas: Record<string, ZodType> = {};
