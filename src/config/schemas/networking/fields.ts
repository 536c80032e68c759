// Building blocks for the networking.istio.io schemas: zod types whose messages read the way the
// rest of Skiff's errors do (lowercase, saying what was expected), and a helper to attach an issue
// at a precise path from a cross-field check.
import { z } from 'zod';
import { parseDurationMs } from '../common.js';

/**
 * An object that rejects unknown fields by name: a typo such as `weigth` must not be silently
 * dropped, since Istio's structural CRD schemas reject it too.
 */
export function strict<T extends z.core.$ZodLooseShape>(shape: T) {
  return z.strictObject(shape, {
    error: (iss) => {
      if (iss.code === 'unrecognized_keys') {
        const keys = iss.keys.map((k) => `"${k}"`).join(', ');
        return `unknown field${iss.keys.length > 1 ? 's' : ''} ${keys}`;
      }
      if (iss.code === 'invalid_type') return expected('a map of fields')(iss);
      return undefined;
    },
  });
}

/** A type error's message, for a field given with the wrong type. */
export function expected(what: string) {
  // A missing field keeps zod's own message ("… received undefined"), which the resource
  // validator turns into "<field> is required" with the field's name.
  return (iss: { input?: unknown }) => (iss.input === undefined ? undefined : `expected ${what}`);
}

export const str = z.string({ error: expected('a string') });
export const bool = z.boolean({ error: expected('true or false') });

/** Whole numbers; Istio's int32/uint32 fields reject fractions at the CRD schema. */
export function int(opts: { min?: number; max?: number; what?: string } = {}) {
  const { min = -2147483648, max = 4294967295, what = 'an integer' } = opts;
  // The bounds of the protobuf integer types are not worth quoting to a user.
  const boundedAbove = opts.max !== undefined && max < 2147483647;
  const boundedBelow = opts.min !== undefined && min > -2147483648;
  const range = boundedBelow && boundedAbove ? ` between ${min} and ${max}`
    : min === 0 ? ' that is 0 or more'
    : boundedBelow ? ` of at least ${min}`
    : boundedAbove ? ` of at most ${max}` : '';
  const message = `expected ${what}${range}`;
  return z.number({ error: expected(`${what}${range}`) }).int(message).min(min, message).max(max, message);
}

/** An int32 field Istio requires to be 0 or more (pool sizes, thresholds). */
export const nonNegativeInt = int({ min: 0, max: 2147483647 });
export const uint32 = int({ min: 0, max: 4294967295 });

export function list<T extends z.ZodType>(item: T) {
  return z.array(item, { error: expected('a list') });
}

export function map<T extends z.ZodType>(value: T) {
  return z.record(z.string(), value, { error: expected('a map of names to values') });
}

/** A string enum; a wrong value is reported with the values Istio allows. */
export function enumOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, {
    error: (iss) => {
      const allowed = values.join(', ');
      return typeof iss.input === 'string'
        ? `unknown value "${iss.input}": expected one of ${allowed}`
        : `expected one of ${allowed}`;
    },
  });
}

/**
 * A protobuf Duration as Istio validates it (agent.ValidateDuration): at least 1ms and a whole
 * number of milliseconds, since Envoy's timers have millisecond resolution.
 */
export const istioDuration = z.string({ error: expected('a duration such as "5s", "1.5s" or "100ms"') }).superRefine((s, ctx) => {
  const ms = parseDurationMs(s);
  if (ms === undefined) ctx.addIssue({ code: 'custom', message: 'expected a duration such as "5s", "1.5s" or "100ms"' });
  else if (ms < 1) ctx.addIssue({ code: 'custom', message: 'duration must be at least 1ms' });
  else if (!Number.isInteger(Math.round(ms * 1e6) / 1e6)) ctx.addIssue({ code: 'custom', message: 'only durations to millisecond precision are supported' });
});

/** A duration where `0s` is meaningful (disables the feature) and otherwise Istio's rules hold. */
export const durationOrZero = z.string({ error: expected('a duration such as "5s", "1.5s" or "100ms"') }).superRefine((s, ctx) => {
  const ms = parseDurationMs(s);
  if (ms === undefined) ctx.addIssue({ code: 'custom', message: 'expected a duration such as "5s", "1.5s" or "100ms"' });
  else if (ms !== 0 && ms < 1) ctx.addIssue({ code: 'custom', message: 'duration must be 0s or at least 1ms' });
});

/** Istio's Percent message: `{ value: 12.5 }`; a missing value is 0, as in proto3. */
export const percent = strict({
  value: z.number({ error: expected('a number between 0 and 100') }).optional(),
});
export type Percent = z.infer<typeof percent>;

/** Adds an issue at `path` below the value being refined. */
export function issue(ctx: z.RefinementCtx, path: readonly (string | number)[], message: string): void {
  ctx.addIssue({ code: 'custom', path: [...path], message });
}

/** Checks Istio's fractional percentage rule: 0, or between 0.0001 and 100. */
export function percentageProblem(value: number): string | undefined {
  if (value < 0 || value > 100 || (value > 0 && value < 0.0001)) return 'expected a number between 0 and 100 (or 0, or at least 0.0001)';
  return undefined;
}

/**
 * Whether a field was given. Proto3 JSON treats an empty string, zero and an empty list like an
 * absent field, and Istio's validation reads them the same way.
 */
export function isSet(v: unknown): boolean {
  if (v === undefined || v === null || v === '' || v === 0 || v === false) return false;
  if (Array.isArray(v)) return v.length > 0;
  return true;
}
