// Validates a resource against its kind: apiVersion and kind known, metadata well formed, and the
// body against the kind's schema (Istio's own rules). Errors carry field paths, and lines when the
// resource came from a file.
import type { ZodError } from 'zod';
import { fail, formatPath, ok, type ConfigError, type Result } from './errors.js';
import { apiVersionOf, bodySchema, kindInfo, KINDS, type KindInfo } from './kinds.js';
import { splitApiVersion, type Resource } from './resource.js';
import { DNS1123_LABEL_RE, DNS1123_SUBDOMAIN_RE, labelMap, stringMap } from './schemas/common.js';
import type { LoadedResource } from './yaml-loader.js';

export interface ValidationSource {
  file?: string;
  document?: number;
  positionOf?: LoadedResource['positionOf'];
}

const METADATA_FIELDS = new Set([
  'name', 'generateName', 'namespace', 'labels', 'annotations', 'resourceVersion', 'generation', 'uid',
  'creationTimestamp', 'deletionTimestamp', 'finalizers', 'ownerReferences', 'managedFields', 'selfLink',
]);

type Issue = { path: (string | number)[]; message: string };

export function validateResource(obj: unknown, source: ValidationSource = {}): Result<Resource> {
  const issues: Issue[] = [];
  let resourceLabel: string | undefined;
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
    return fail([locate({ path: [], message: 'expected a resource (a mapping with apiVersion, kind and metadata)' }, source)]);
  }
  const r = obj as Record<string, unknown>;
  const info = checkTypeMeta(r, issues);
  const meta = r.metadata as Record<string, unknown> | undefined;
  if (info) resourceLabel = `${info.kind} ${typeof meta?.namespace === 'string' ? `${meta.namespace}/` : ''}${typeof meta?.name === 'string' ? meta.name : ''}`.trim();
  checkMetadata(r.metadata, info, issues);
  if (info) {
    const schema = bodySchema(info);
    if (!schema) {
      issues.push({ path: ['kind'], message: `${info.kind} has no schema in this version of Skiff` });
    } else {
      const { apiVersion: _a, kind: _k, metadata: _m, ...body } = r;
      const parsed = schema.safeParse(body);
      if (!parsed.success) issues.push(...zodIssues(parsed.error));
    }
  }
  if (issues.length > 0) return fail(issues.map((i) => locate(i, source, resourceLabel)));
  return ok(obj as Resource);
}

function checkTypeMeta(r: Record<string, unknown>, issues: Issue[]): KindInfo | undefined {
  if (typeof r.apiVersion !== 'string' || r.apiVersion === '') {
    issues.push({ path: ['apiVersion'], message: 'apiVersion is required (e.g. "networking.istio.io/v1")' });
    return undefined;
  }
  if (typeof r.kind !== 'string' || r.kind === '') {
    issues.push({ path: ['kind'], message: 'kind is required' });
    return undefined;
  }
  const { group, version } = splitApiVersion(r.apiVersion);
  const info = kindInfo(group, r.kind);
  if (!info) {
    const sameKind = KINDS.filter((k) => k.kind === r.kind);
    const hint = sameKind.length > 0 ? `; ${r.kind} is served as ${sameKind.map((k) => apiVersionOf(k)).join(', ')}` : '';
    issues.push({ path: ['kind'], message: `unknown kind "${r.kind}" in apiVersion "${r.apiVersion}"${hint}` });
    return undefined;
  }
  if (!info.versions.includes(version)) {
    issues.push({ path: ['apiVersion'], message: `version "${version}" of ${info.kind} is not served; expected one of ${info.versions.map((v) => apiVersionOf(info, v)).join(', ')}` });
    return undefined;
  }
  return info;
}

function checkMetadata(metadata: unknown, info: KindInfo | undefined, issues: Issue[]): void {
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    issues.push({ path: ['metadata'], message: 'metadata is required and must be a mapping with at least a name' });
    return;
  }
  const m = metadata as Record<string, unknown>;
  for (const key of Object.keys(m)) {
    if (!METADATA_FIELDS.has(key)) issues.push({ path: ['metadata', key], message: `unknown field "${key}"` });
  }
  if (typeof m.name !== 'string' || m.name === '') {
    issues.push({ path: ['metadata', 'name'], message: 'name is required' });
  } else if (m.name.length > 253 || !DNS1123_SUBDOMAIN_RE.test(m.name)) {
    issues.push({ path: ['metadata', 'name'], message: `invalid name "${m.name}": expected lowercase alphanumerics, "-" or ".", starting and ending with an alphanumeric` });
  }
  if (m.namespace !== undefined) {
    if (info && !info.namespaced) issues.push({ path: ['metadata', 'namespace'], message: `${info.kind} is cluster-scoped and takes no namespace` });
    else if (typeof m.namespace !== 'string' || !DNS1123_LABEL_RE.test(m.namespace)) issues.push({ path: ['metadata', 'namespace'], message: 'invalid namespace: expected a DNS label (lowercase alphanumerics and "-", at most 63 characters)' });
  }
  if (m.labels !== undefined) {
    const res = labelMap.safeParse(m.labels);
    if (!res.success) issues.push(...zodIssues(res.error, ['metadata', 'labels']));
  }
  if (m.annotations !== undefined) {
    const res = stringMap.safeParse(m.annotations);
    if (!res.success) issues.push(...zodIssues(res.error, ['metadata', 'annotations']));
  }
}

/** Turns zod issues into ours; each unknown key becomes its own error pointing at that key. */
export function zodIssues(error: ZodError, prefix: (string | number)[] = []): Issue[] {
  const out: Issue[] = [];
  for (const issue of error.issues) {
    const path = [...prefix, ...(issue.path as (string | number)[])];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ path: [...path, key], message: `unknown field "${key}"` });
    } else if (issue.code === 'invalid_key' || issue.code === 'invalid_element') {
      // A record key (a label name, a header name) failed its own schema: report that schema's words.
      for (const inner of issue.issues) out.push({ path, message: inner.message });
    } else if (issue.code === 'invalid_type' && / received undefined$/.test(issue.message)) {
      out.push({ path, message: `${String(path[path.length - 1] ?? 'value')} is required` });
    } else {
      // zod's defaults read "Invalid input: expected string, received number"; users need only the second half.
      out.push({ path, message: issue.message.replace(/^Invalid input: /, '') });
    }
  }
  return out;
}

function locate(issue: Issue, source: ValidationSource, resource?: string): ConfigError {
  const pos = source.positionOf?.(issue.path);
  return {
    path: formatPath(issue.path),
    message: issue.message,
    file: source.file,
    document: source.document,
    line: pos?.line,
    column: pos?.column,
    resource,
  };
}

/** Validates every resource loaded from a file, keeping positions. */
export function validateLoaded(loaded: LoadedResource): Result<Resource> {
  return validateResource(loaded.resource, { file: loaded.file, document: loaded.document, positionOf: loaded.positionOf });
}
