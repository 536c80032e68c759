// The request `skiff x route` explains, as a user writes it: a URL, a method and headers
// (`-H 'end-user: jason'`). Parsed once here for both the control plane's /debug/route and the
// CLI's offline mode, with errors that say what was wrong.

export interface RouteRequest {
  readonly method: string;
  readonly scheme: 'http' | 'https';
  /** Host as written, without port. */
  readonly host: string;
  /** The destination port: the URL's, or 80/443 for its scheme. */
  readonly port: number;
  /** The Host header a client sends: host, plus the port when it is not the scheme's default. */
  readonly authority: string;
  /** Path and query. */
  readonly path: string;
  /** Lowercase names. */
  readonly headers: Readonly<Record<string, string>>;
  /** The URL as given. */
  readonly url: string;
}

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** `name: value` as curl's -H takes it. */
export function parseHeader(text: string): Parsed<[string, string]> {
  const colon = text.indexOf(':');
  if (colon <= 0) return { ok: false, error: `header "${text}" must be written "name: value"` };
  const name = text.slice(0, colon).trim().toLowerCase();
  if (!TOKEN.test(name)) return { ok: false, error: `header "${text}": "${name}" is not a valid header name` };
  return { ok: true, value: [name, text.slice(colon + 1).trim()] };
}

export function parseRouteRequest(url: string, method: string | undefined, headerLines: readonly string[]): Parsed<RouteRequest> {
  let text = url.trim();
  if (text === '') return { ok: false, error: 'a URL is required, e.g. http://reviews:9080/reviews/0' };
  // curl accepts a bare host: `reviews:9080/reviews/0` means http.
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) text = `http://${text}`;
  // WHATWG URLs read `http:///x` as host "x"; curl reads it as no host, and so does this.
  if (/^[a-z][a-z0-9+.-]*:\/\/(?:[^/?#@]*@)?(?:[/?#]|$)/i.test(text)) {
    return { ok: false, error: `URL "${url}" has no host; name the service, e.g. http://reviews:9080/` };
  }
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return { ok: false, error: `"${url}" is not a URL; expected e.g. http://reviews:9080/reviews/0` };
  }
  const scheme = u.protocol.slice(0, -1).toLowerCase();
  if (scheme !== 'http' && scheme !== 'https') return { ok: false, error: `URL "${url}": scheme "${scheme}" is not supported; use http:// or https://` };
  if (u.hostname === '') return { ok: false, error: `URL "${url}" has no host; name the service, e.g. http://reviews:9080/` };
  const m = (method ?? 'GET').trim().toUpperCase();
  if (!TOKEN.test(m)) return { ok: false, error: `"${method}" is not an HTTP method` };
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const h = parseHeader(line);
    if (!h.ok) return h;
    const [name, value] = h.value;
    if (name === 'host' || name === ':authority') {
      return { ok: false, error: `set the host in the URL, not with a "${name}" header` };
    }
    headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  const port = u.port === '' ? (scheme === 'https' ? 443 : 80) : Number(u.port);
  return {
    ok: true,
    value: {
      method: m,
      scheme,
      host: u.hostname,
      port,
      authority: u.host,
      path: `${u.pathname}${u.search}`,
      headers,
      url,
    },
  };
}
