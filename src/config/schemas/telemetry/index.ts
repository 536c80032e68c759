import type { ZodType } from 'zod';

export const telemetrySchemas: Record<string, ZodType> = {};
