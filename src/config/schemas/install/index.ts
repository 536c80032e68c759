import type { ZodType } from 'zod';

export const installSchemas: Record<string, ZodType> = {};
