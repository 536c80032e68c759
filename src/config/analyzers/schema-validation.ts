// IST0106 SchemaValidationError: every document that fails validation, one message per error,
// pointing at the field's line.
import { validateResource } from '../validate.js';
import type { Analyzer } from './context.js';
import { SchemaValidationError } from './messages.js';

export const schemaValidationAnalyzer: Analyzer = {
  name: 'schema.ValidationAnalyzer',
  analyze(ctx) {
    for (const input of ctx.inputs) {
      const result = validateResource(input.resource, { file: input.file, positionOf: input.positionOf });
      if (result.ok) continue;
      const origin = ctx.originOf(input);
      for (const err of result.errors) {
        const text = err.path ? `${err.path}: ${err.message}` : err.message;
        ctx.report(origin, SchemaValidationError, [text], [], { line: err.line, path: err.path || undefined });
      }
    }
  },
};

