// Field types shared by the schemas of several kinds, with Istio's own rules for each.
import { isIP } from 'node:net';
import { z } from 'zod';

/**
 * Protobuf Duration as Istio writes it: `5s`, `1.5s`, `100ms`, `1m`, `1h`, `2us`, `10ns`, and
 * combinations like `1h30m`. Istio requires durations of at least 1ms for most fields; the fields
 * that need it call `.refine` on top.
 */
const DURATION_RE = /^(?:\d+(?:\.\d+)?(?:h|m|s|ms|us|µs|ns))+$/;
const UNIT_NS: Record<string, number> = { h: 3.6e12, m: 6e10, s: 1e9, ms: 1e6, us: 1e3, 'µs': 1e3, ns: 1 };

/** Parses a duration string to milliseconds; undefined when it is not a duration. */
export function parseDurationMs(text: string): number | undefined {
  if (!DURATION_RE.test(text)) return undefined;
  let ns = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g)) ns += Number(m[1]) * UNIT_NS[m[2]!]!;
  return ns / 1e6;
}

export const duration = z.string().refine((s) => parseDurationMs(s) !== undefined, {
  message: 'expected a duration such as "5s", "1.5s" or "100ms"',
});

/** A duration Istio requires to be at least 1ms (timeouts, intervals). */
export const positiveDuration = duration.refine((s) => (parseDurationMs(s) ?? 0) >= 1, {
  message: 'duration must be at least 1ms',
});

export const port = z.number({ error: 'expected a port number between 1 and 65535' }).int('expected a port number between 1 and 65535').min(1, 'expected a port number between 1 and 65535').max(65535, 'expected a port number between 1 and 65535');

/** 0–100, fractional allowed (Istio's Percent message). */
export const percentage = z.number({ error: 'expected a number between 0 and 100' }).min(0, 'expected a number between 0 and 100').max(100, 'expected a number between 0 and 100');

/** Envoy uses RE2: no lookaround, no backreferences. JavaScript's RegExp checks the rest. */
export function re2Problem(pattern: string): string | undefined {
  if (/\(\?<?[=!]/.test(pattern)) return 'lookahead and lookbehind are not supported by RE2';
  if (/\\[1-9]|\\k</.test(pattern)) return 'backreferences are not supported by RE2';
  try {
    new RegExp(pattern, 'u');
  } catch (e) {
    return `invalid regular expression: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`;
  }
  return undefined;
}

export const re2Regex = z.string().superRefine((s, ctx) => {
  const problem = re2Problem(s);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** Kubernetes label key: optional DNS prefix, then a name of at most 63 characters. */
const LABEL_KEY_RE = /^(?:[a-z0-9](?:[-a-z0-9.]{0,251}[a-z0-9])?\/)?[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE_RE = /^(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

export const labelMap = z.record(
  z.string().regex(LABEL_KEY_RE, 'invalid label key: expected an optional DNS prefix and a name of alphanumerics, "-", "_" or "." (at most 63 characters)'),
  z.string({ error: 'label values must be strings' }).regex(LABEL_VALUE_RE, 'invalid label value: at most 63 alphanumerics, "-", "_" or ".", starting and ending with an alphanumeric'),
);

export const stringMap = z.record(z.string(), z.string({ error: 'expected a string value' }));

/** DNS-1123 label (namespace names, port names). */
export const DNS1123_LABEL_RE = /^[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?$/;
/** DNS-1123 subdomain (most resource names). */
export const DNS1123_SUBDOMAIN_RE = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/;

/**
 * A host as Istio accepts it in VirtualService/DestinationRule/ServiceEntry: an FQDN or short
 * name, optionally with a leading `*.` wildcard, or `*` alone. No ports, no schemes.
 */
export const HOST_RE = /^(?:\*|(?:\*\.)?[A-Za-z0-9](?:[-A-Za-z0-9]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[-A-Za-z0-9]*[A-Za-z0-9])?)*)$/;

/** HTTP header names must be lowercase in Istio config (Envoy matches lowercased names). */
export const HEADER_NAME_RE = /^[a-z0-9!#$%&'*+\-.^_`|~:]+$/;
export const headerName = z.string().regex(HEADER_NAME_RE, 'header names must be lowercase letters, digits or token characters');

/** Workload selector: `{ matchLabels: {...} }`. */
export const workloadSelector = z.strictObject({ matchLabels: labelMap.optional() });

// ---- Generic building blocks for the kinds' schemas --------------------------------------------

/**
 * An object that rejects unknown fields by name, as the CRDs' structural schemas and Kubernetes'
 * strict decoding do: a typo such as `selecter` must not be silently dropped.
 */
export function strictObject<T extends z.core.$ZodLooseShape>(shape: T) {
  return z.strictObject(shape, {
    error: (iss) => iss.code === 'unrecognized_keys'
      ? `unknown field${iss.keys.length > 1 ? 's' : ''} ${iss.keys.map((k) => `"${k}"`).join(', ')}`
      : undefined,
  });
}

/**
 * A string enum whose errors list the allowed values. A missing required value reads
 * `<field> is required`, like every other missing field.
 */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  const allowed = values.join(', ');
  return z.enum(values, {
    error: (iss) => {
      if (iss.input === undefined) return `${String(iss.path?.at(-1) ?? 'value')} is required (one of ${allowed})`;
      return typeof iss.input === 'string'
        ? `unknown value "${iss.input}": expected one of ${allowed}`
        : `expected one of ${allowed}`;
    },
  });
}

/** An IPv4 or IPv6 address, without a prefix length. */
export function isIPAddress(text: string): boolean {
  return isIP(text) !== 0;
}

/** `10.0.0.0/8` or `2001:db8::/32`; the address need not be the network's first. */
export function isCIDR(text: string): boolean {
  const slash = text.indexOf('/');
  if (slash < 0) return false;
  const family = isIP(text.slice(0, slash));
  const bits = text.slice(slash + 1);
  if (family === 0 || !/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (family === 4 ? 32 : 128);
}
