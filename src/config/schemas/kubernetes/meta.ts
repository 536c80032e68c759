// Field types of Kubernetes' core API that several kinds share: names, label selectors,
// int-or-string ports, quantities, object references and the metadata of a pod template.
import { z } from 'zod';
import { DNS1123_LABEL_RE, DNS1123_SUBDOMAIN_RE, labelMap, oneOf, stringMap, strictObject } from '../common.js';

export const dnsLabel = z.string().max(63, 'must be at most 63 characters')
  .regex(DNS1123_LABEL_RE, 'must be a DNS label: lowercase alphanumerics and "-", starting and ending with an alphanumeric');
export const dnsSubdomain = z.string().max(253, 'must be at most 253 characters')
  .regex(DNS1123_SUBDOMAIN_RE, 'must be lowercase alphanumerics, "-" or ".", starting and ending with an alphanumeric');

/**
 * IANA service name (Kubernetes' IsValidPortName): at most 15 lowercase alphanumerics and "-",
 * at least one letter, no leading, trailing or doubled "-".
 */
export function portNameProblem(name: string): string | undefined {
  if (name.length === 0 || name.length > 15) return `port name "${name}" must be 1 to 15 characters`;
  if (!/^[a-z0-9-]+$/.test(name)) return `port name "${name}" must hold only lowercase alphanumerics and "-"`;
  if (!/[a-z]/.test(name)) return `port name "${name}" must contain at least one letter`;
  if (name.startsWith('-') || name.endsWith('-') || name.includes('--')) return `port name "${name}" must not start or end with "-" or hold "--"`;
  return undefined;
}

export const portName = z.string().superRefine((name, ctx) => {
  const problem = portNameProblem(name);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** A port given by number (1-65535) or by the name of a container port. */
export const portNumberOrName = z.union([z.number(), z.string()], {
  error: (iss) => (iss.input === undefined ? `${String(iss.path?.at(-1) ?? 'port')} is required` : 'expected a port number or a port name'),
}).superRefine((p, ctx) => {
  if (typeof p === 'number') {
    if (!Number.isInteger(p) || p < 1 || p > 65535) ctx.addIssue({ code: 'custom', message: 'expected a port number between 1 and 65535' });
    return;
  }
  // Numbers written as strings ("8080") are names to Kubernetes, and names need a letter.
  const problem = portNameProblem(p);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** `25%` or a whole number, as rollingUpdate's maxSurge and maxUnavailable take. */
const INT_OR_PERCENT = 'expected a whole number of 0 or more, or a percentage such as "25%"';
export const intOrPercent = z.union([z.number().int(INT_OR_PERCENT).min(0, INT_OR_PERCENT), z.string().regex(/^\d+%$/, INT_OR_PERCENT)], {
  error: INT_OR_PERCENT,
});

/** A resource quantity: `100m`, `128Mi`, `1.5`, `2e3`. */
const QUANTITY_RE = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[KMGTPE]i|[numkMGTPE]|[eE][+-]?\d+)?$/;
export const quantity = z.union([z.number(), z.string().regex(QUANTITY_RE, 'expected a quantity such as "100m", "128Mi" or "2"')], {
  error: 'expected a quantity such as "100m", "128Mi" or "2"',
});

export const LABEL_SELECTOR_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'] as const;

export const labelSelectorRequirementSchema = strictObject({
  key: labelMap.keyType,
  operator: oneOf(LABEL_SELECTOR_OPERATORS),
  values: z.array(z.string()).optional(),
}).superRefine((req, ctx) => {
  const hasValues = (req.values?.length ?? 0) > 0;
  if ((req.operator === 'In' || req.operator === 'NotIn') && !hasValues) {
    ctx.addIssue({ code: 'custom', path: ['values'], message: `values must be non-empty when operator is ${req.operator}` });
  }
  if ((req.operator === 'Exists' || req.operator === 'DoesNotExist') && hasValues) {
    ctx.addIssue({ code: 'custom', path: ['values'], message: `values must be empty when operator is ${req.operator}` });
  }
});
export type LabelSelectorRequirement = z.infer<typeof labelSelectorRequirementSchema>;

export const labelSelectorSchema = strictObject({
  matchLabels: labelMap.optional(),
  matchExpressions: z.array(labelSelectorRequirementSchema).optional(),
});
export type LabelSelector = z.infer<typeof labelSelectorSchema>;

/** Whether `labels` satisfy every term of `selector`; an empty selector matches everything. */
export function labelSelectorMatches(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[k] !== v) return false;
  }
  for (const req of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, req.key);
    const value = labels[req.key];
    const ok = req.operator === 'In' ? has && (req.values ?? []).includes(value!)
      : req.operator === 'NotIn' ? !has || !(req.values ?? []).includes(value!)
        : req.operator === 'Exists' ? has : !has;
    if (!ok) return false;
  }
  return true;
}

export const localObjectReferenceSchema = strictObject({ name: z.string().optional() });
export type LocalObjectReference = z.infer<typeof localObjectReferenceSchema>;

export const objectReferenceSchema = strictObject({
  apiVersion: z.string().optional(),
  kind: z.string().optional(),
  namespace: z.string().optional(),
  name: z.string().optional(),
  uid: z.string().optional(),
  resourceVersion: z.string().optional(),
  fieldPath: z.string().optional(),
});
export type ObjectReference = z.infer<typeof objectReferenceSchema>;

/**
 * The metadata of a pod template. kubectl writes `creationTimestamp: null` into generated
 * manifests, so that field takes null.
 */
export const templateMetadataSchema = strictObject({
  name: dnsSubdomain.optional(),
  generateName: z.string().optional(),
  namespace: dnsLabel.optional(),
  labels: labelMap.optional(),
  annotations: stringMap.optional(),
  creationTimestamp: z.string().nullable().optional(),
  finalizers: z.array(z.string()).optional(),
});
export type TemplateMetadata = z.infer<typeof templateMetadataSchema>;

/** Kubernetes keeps some nested areas open-ended; Skiff stores them as given. */
export const looseObject = z.record(z.string(), z.unknown(), { error: 'expected a mapping' });

const QUANTITY_SUFFIX: Record<string, number> = {
  '': 1, n: 1e-9, u: 1e-6, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/** A quantity's value as a number (`100m` → 0.1, `1Gi` → 1073741824); undefined if malformed. */
export function parseQuantity(q: number | string): number | undefined {
  if (typeof q === 'number') return q;
  const m = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))([eE][+-]?\d+|[KMGTPE]i|[numkMGTPE])?$/.exec(q);
  if (!m) return undefined;
  const suffix = m[2] ?? '';
  return /^[eE]/.test(suffix) ? Number(m[1]) * 10 ** Number(suffix.slice(1)) : Number(m[1]) * QUANTITY_SUFFIX[suffix]!;
}

/** Keys of Secret and ConfigMap data: file names, as they are mounted (IsConfigMapKey). */
export const dataKey = z.string().max(253, 'key must be at most 253 characters')
  .regex(/^[-._a-zA-Z0-9]+$/, 'key must consist of alphanumerics, "-", "_" or "."')
  .refine((k) => k !== '.' && !k.startsWith('..'), 'key must not be "." or start with ".."');

/** Standard base64 with padding; line breaks are ignored, as Kubernetes' decoder ignores them. */
export const base64Value = z.string().refine(
  (v) => /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(v.replace(/[\r\n]/g, '')),
  'expected base64-encoded data (use stringData for plain text)',
);

/** Decoded size of a base64 value, for the 1 MiB limit on Secrets and ConfigMaps. */
export function base64Size(v: string): number {
  const clean = v.replace(/[\r\n]/g, '');
  return Math.floor((clean.length * 3) / 4) - (clean.endsWith('==') ? 2 : clean.endsWith('=') ? 1 : 0);
}

export const MAX_DATA_BYTES = 1024 * 1024;
