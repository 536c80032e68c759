// Field types the Gateway API routes and Gateway share (gateway.networking.k8s.io v1, standard
// channel): names, hostnames, object references, header matches and the filters HTTPRoute and
// GRPCRoute have in common. Rules are the CRDs' patterns and CEL validations.
import { z } from 'zod';
import { DNS1123_LABEL_RE, DNS1123_SUBDOMAIN_RE, oneOf, port, re2Problem, strictObject } from '../common.js';

export const groupName = z.string().max(253).regex(/^$|^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/, 'group must be empty (the core group) or a DNS subdomain');
export const kindName = z.string().min(1, 'kind must not be empty').max(63).regex(/^[a-zA-Z](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?$/, 'kind must start with a letter and hold only letters, digits and "-"');
export const objectName = z.string().min(1, 'name must not be empty').max(253);
export const namespaceName = z.string().min(1, 'namespace must not be empty').max(63).regex(DNS1123_LABEL_RE, 'namespace must be a DNS label (lowercase alphanumerics and "-")');
export const sectionName = z.string().min(1, 'must not be empty').max(253).regex(DNS1123_SUBDOMAIN_RE, 'must be lowercase alphanumerics, "-" or ".", starting and ending with an alphanumeric');

/** A hostname with an optional leading `*.` label; no IPs, no ports. */
export const hostname = z.string().min(1, 'hostname must not be empty').max(253)
  .regex(/^(?:\*\.)?[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/, 'hostname must be a lowercase DNS name, optionally starting with "*."');
/** Hostnames in redirects and rewrites are precise: no wildcard. */
export const preciseHostname = z.string().min(1, 'hostname must not be empty').max(253)
  .regex(DNS1123_SUBDOMAIN_RE, 'hostname must be a lowercase DNS name without wildcards');

/** RFC 7230 token; Gateway API keeps the case users write and compares case-insensitively. */
export const httpHeaderName = z.string().min(1, 'name must not be empty').max(256).regex(/^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/, 'name must be an HTTP header name (letters, digits and !#$%&\'*+-.^_`|~)');

export const parentReferenceSchema = strictObject({
  group: groupName.optional(),
  kind: kindName.optional(),
  namespace: namespaceName.optional(),
  name: objectName,
  sectionName: sectionName.optional(),
  port: port.optional(),
});
export type ParentReference = z.infer<typeof parentReferenceSchema>;

/**
 * Two references to the same parent must each name a section, and different ones (the CRDs'
 * CEL rules over parentRefs).
 */
export const parentReferences = z.array(parentReferenceSchema).max(32, 'at most 32 parentRefs').superRefine((refs, ctx) => {
  const parentKey = (r: ParentReference) => [r.group ?? 'gateway.networking.k8s.io', r.kind ?? 'Gateway', r.namespace ?? '', r.name].join('/');
  refs.forEach((ref, i) => {
    const siblings = refs.filter((other, j) => j !== i && parentKey(other) === parentKey(ref));
    if (siblings.length === 0) return;
    if (!ref.sectionName || siblings.some((s) => !s.sectionName)) {
      ctx.addIssue({ code: 'custom', path: [i], message: 'sectionName must be specified when parentRefs includes 2 or more references to the same parent' });
    } else if (siblings.some((s) => s.sectionName === ref.sectionName)) {
      ctx.addIssue({ code: 'custom', path: [i, 'sectionName'], message: 'sectionName must be unique when parentRefs includes 2 or more references to the same parent' });
    }
  });
});

export const hostnames = z.array(hostname).max(16, 'at most 16 hostnames');

/** group/kind/name/namespace/port of a backend; `port` is required for a core Service. */
export const backendObjectReferenceFields = {
  group: groupName.optional(),
  kind: kindName.optional(),
  name: objectName,
  namespace: namespaceName.optional(),
  port: port.optional(),
};

export function checkServicePort(ref: { group?: string; kind?: string; port?: number }, ctx: z.RefinementCtx): void {
  if ((ref.group ?? '') === '' && (ref.kind ?? 'Service') === 'Service' && ref.port === undefined) {
    ctx.addIssue({ code: 'custom', path: ['port'], message: 'port is required for a Service reference' });
  }
}

export const backendObjectReferenceSchema = strictObject(backendObjectReferenceFields).superRefine(checkServicePort);
export type BackendObjectReference = z.infer<typeof backendObjectReferenceSchema>;

/** A backend weight: proportional, 0 to 1,000,000; 0 sends it nothing. */
export const backendWeight = z.number().int('weight must be a whole number').min(0, 'weight must be between 0 and 1000000').max(1000000, 'weight must be between 0 and 1000000');

// ---- matches ----------------------------------------------------------------------------------

export const MATCH_TYPES = ['Exact', 'RegularExpression'] as const;

/** Header and query parameter matches: names unique (case-insensitively for headers). */
export function nameValueMatches(opts: { valueMax: number; caseInsensitive: boolean }) {
  const item = strictObject({
    type: oneOf(MATCH_TYPES).optional(),
    name: httpHeaderName,
    value: z.string().min(1, 'value must not be empty').max(opts.valueMax),
  }).superRefine((m, ctx) => {
    const problem = m.type === 'RegularExpression' ? re2Problem(m.value) : undefined;
    if (problem) ctx.addIssue({ code: 'custom', path: ['value'], message: problem });
  });
  return z.array(item).max(16, 'at most 16 matches').superRefine((items, ctx) => uniqueNames(items, ctx, opts.caseInsensitive));
}

export function uniqueNames(items: readonly { name: string }[], ctx: z.RefinementCtx, caseInsensitive: boolean): void {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    const key = caseInsensitive ? item.name.toLowerCase() : item.name;
    if (seen.has(key)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate name "${item.name}"` });
    seen.add(key);
  });
}

// ---- filters shared by HTTPRoute and GRPCRoute ------------------------------------------------

const headerValue = strictObject({
  name: httpHeaderName,
  value: z.string().min(1, 'value must not be empty').max(4096),
});
const headerValues = z.array(headerValue).max(16, 'at most 16 headers').superRefine((items, ctx) => uniqueNames(items, ctx, true));

export const headerModifierSchema = strictObject({
  set: headerValues.optional(),
  add: headerValues.optional(),
  remove: z.array(httpHeaderName).max(16, 'at most 16 headers').optional(),
});
export type HeaderModifier = z.infer<typeof headerModifierSchema>;

export const requestMirrorSchema = strictObject({
  backendRef: backendObjectReferenceSchema,
  percent: z.number().int().min(0, 'percent must be between 0 and 100').max(100, 'percent must be between 0 and 100').optional(),
  fraction: strictObject({
    numerator: z.number().int().min(0, 'numerator must be 0 or more'),
    denominator: z.number().int().min(1, 'denominator must be at least 1').optional(),
  }).superRefine((f, ctx) => {
    if (f.numerator > (f.denominator ?? 100)) ctx.addIssue({ code: 'custom', path: ['numerator'], message: 'numerator must be less than or equal to denominator' });
  }).optional(),
}).superRefine((m, ctx) => {
  if (m.percent !== undefined && m.fraction !== undefined) ctx.addIssue({ code: 'custom', path: ['fraction'], message: 'only one of percent or fraction may be specified' });
});
export type RequestMirror = z.infer<typeof requestMirrorSchema>;

/** A reference to an implementation-specific filter in the route's namespace. */
export const localObjectReferenceSchema = strictObject({ group: groupName, kind: kindName, name: objectName });
export type LocalObjectReference = z.infer<typeof localObjectReferenceSchema>;

/**
 * A filter names its type and carries exactly the field of that type (the CRDs' "filter.X must be
 * specified for X filter.type" and "must be nil if the filter.type is not X" rules).
 */
export function checkFilterType(filter: Record<string, unknown> & { type: string }, fieldOf: Record<string, string>, ctx: z.RefinementCtx): void {
  const wanted = fieldOf[filter.type];
  if (wanted && filter[wanted] === undefined) {
    ctx.addIssue({ code: 'custom', path: [wanted], message: `${wanted} must be specified for a ${filter.type} filter` });
  }
  for (const [type, field] of Object.entries(fieldOf)) {
    if (type !== filter.type && filter[field] !== undefined) {
      ctx.addIssue({ code: 'custom', path: [field], message: `${field} must not be set on a ${filter.type} filter (it belongs to type ${type})` });
    }
  }
}

/** Most filter types may appear once per list. */
export function checkNotRepeated(filters: readonly { type: string }[], once: readonly string[], ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  filters.forEach((f, i) => {
    if (once.includes(f.type) && seen.has(f.type)) ctx.addIssue({ code: 'custom', path: [i, 'type'], message: `${f.type} filter cannot be repeated` });
    seen.add(f.type);
  });
}
