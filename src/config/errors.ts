// Validation returns a result, not an exception (grpc-js-xds's ValidationResult idea). Every error
// a user sees names the file, the document, the line:column and the field path.

export interface ConfigError {
  /** Field path in the document, e.g. `spec.http[0].route[0].weight`; '' for the whole document. */
  path: string;
  message: string;
  file?: string;
  /** 0-based index of the YAML document within the file. */
  document?: number;
  line?: number;
  column?: number;
  /** `VirtualService default/reviews`, when known. */
  resource?: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; errors: ConfigError[] };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T = never>(errors: ConfigError[]): Result<T> {
  return { ok: false, errors };
}

/** Joins path segments the way users read them: `spec.http[0].route`. */
export function formatPath(segments: readonly (string | number)[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else out += out === '' ? s : `.${s}`;
  }
  return out;
}

/**
 * `bookinfo.yaml:14:9: document 2 (VirtualService default/reviews): spec.http[0].route[0].weight: expected …`.
 * Parts that are unknown are left out.
 */
export function formatConfigError(e: ConfigError): string {
  let where = e.file ?? '';
  if (e.line !== undefined) where += `${where ? ':' : 'line '}${e.line}${e.column !== undefined ? `:${e.column}` : ''}`;
  const parts: string[] = [];
  if (where) parts.push(where);
  const doc = e.document !== undefined ? `document ${e.document + 1}` : '';
  if (doc || e.resource) parts.push([doc, e.resource ? `(${e.resource})` : ''].filter(Boolean).join(' '));
  if (e.path) parts.push(e.path);
  parts.push(e.message);
  return parts.join(': ');
}
