// Errors from the control plane's API (Kubernetes `Status` objects) and the one failure that is
// not the server's: not reaching it at all.

export interface StatusCause {
  field?: string;
  message?: string;
  reason?: string;
}

export interface ApiStatus {
  kind: 'Status';
  status?: string;
  message: string;
  reason: string;
  code: number;
  details?: { name?: string; group?: string; kind?: string; causes?: StatusCause[] };
}

export class ApiError extends Error {
  constructor(readonly status: ApiStatus) {
    super(status.message);
    this.name = 'ApiError';
  }

  get code(): number {
    return this.status.code;
  }

  get reason(): string {
    return this.status.reason;
  }
}

export class UnreachableError extends Error {
  constructor(readonly server: string, cause?: unknown) {
    super(`cannot reach the Skiff control plane at ${server} (is \`skiff up\` running?)`, { cause });
    this.name = 'UnreachableError';
  }
}

// The reasons Kubernetes gives for each status code, used when a response carries no Status body.
const REASONS: Record<number, string> = {
  400: 'BadRequest', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 405: 'MethodNotAllowed',
  409: 'Conflict', 410: 'Gone', 415: 'UnsupportedMediaType', 422: 'Invalid', 429: 'TooManyRequests',
  500: 'InternalError', 503: 'ServiceUnavailable', 504: 'Timeout',
};

/** Reads a failed response body as a Status, synthesising one when the body is something else. */
export function toStatus(code: number, body: string): ApiStatus {
  try {
    const parsed = JSON.parse(body) as Partial<ApiStatus>;
    if (parsed && parsed.kind === 'Status' && typeof parsed.message === 'string') {
      return { ...parsed, kind: 'Status', code: parsed.code ?? code, reason: parsed.reason || REASONS[code] || 'Unknown', message: parsed.message };
    }
  } catch {
    // Not JSON: fall through and report the text.
  }
  const text = body.trim();
  return { kind: 'Status', status: 'Failure', code, reason: REASONS[code] ?? 'Unknown', message: text || `the server responded with status ${code}` };
}
