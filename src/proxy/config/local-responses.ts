// Route actions answered by the proxy itself: RedirectAction and DirectResponseAction.

import { compileRegexRewrite, type RegexRewrite } from './route-action.js';
import { ErrorSink, MessageReader } from './reader.js';

export interface RedirectAction {
  readonly scheme?: string;
  readonly host?: string;
  readonly port?: number;
  readonly pathRedirect?: string;
  readonly prefixRewrite?: string;
  readonly regexRewrite?: RegexRewrite;
  readonly stripQuery: boolean;
  readonly responseCode: 301 | 302 | 303 | 307 | 308;
}

const REDIRECT_CODES = ['MOVED_PERMANENTLY', 'FOUND', 'SEE_OTHER', 'TEMPORARY_REDIRECT', 'PERMANENT_REDIRECT'] as const;
const REDIRECT_STATUS = { MOVED_PERMANENTLY: 301, FOUND: 302, SEE_OTHER: 303, TEMPORARY_REDIRECT: 307, PERMANENT_REDIRECT: 308 } as const;

const REDIRECT_SPEC = {
  fields: ['https_redirect', 'scheme_redirect', 'host_redirect', 'port_redirect', 'path_redirect', 'prefix_rewrite', 'regex_rewrite', 'response_code', 'strip_query'],
};

export function compileRedirect(value: unknown, path: string, sink: ErrorSink): RedirectAction | undefined {
  const r = MessageReader.of(value, path, sink, REDIRECT_SPEC);
  if (!r) return undefined;
  const before = sink.count;
  const schemeKind = r.oneof(['https_redirect', 'scheme_redirect'], false);
  let scheme: string | undefined;
  if (schemeKind === 'https_redirect') scheme = r.bool('https_redirect', false) ? 'https' : undefined;
  else if (schemeKind === 'scheme_redirect') scheme = r.string('scheme_redirect', { nonEmpty: true })?.toLowerCase();
  const pathKind = r.oneof(['path_redirect', 'prefix_rewrite', 'regex_rewrite'], false);
  const port = r.has('port_redirect') ? r.int('port_redirect', 0, 1, 65535) : undefined;
  const result: RedirectAction = {
    scheme,
    host: r.string('host_redirect', { nonEmpty: true }),
    port,
    pathRedirect: pathKind === 'path_redirect' ? r.string('path_redirect') : undefined,
    prefixRewrite: pathKind === 'prefix_rewrite' ? r.string('prefix_rewrite') : undefined,
    regexRewrite: pathKind === 'regex_rewrite' ? compileRegexRewrite(r, 'regex_rewrite') : undefined,
    stripQuery: r.bool('strip_query', false),
    responseCode: REDIRECT_STATUS[r.enumValue('response_code', REDIRECT_CODES, 'MOVED_PERMANENTLY')],
  };
  return sink.count > before ? undefined : result;
}

export interface DirectResponseAction {
  readonly status: number;
  readonly body?: Buffer;
}

const DIRECT_RESPONSE_SPEC = { fields: ['status', 'body'] };
const DATA_SOURCE_SPEC = { fields: ['filename', 'inline_bytes', 'inline_string', 'environment_variable'] };

export function compileDirectResponse(value: unknown, path: string, sink: ErrorSink): DirectResponseAction | undefined {
  const r = MessageReader.of(value, path, sink, DIRECT_RESPONSE_SPEC);
  if (!r) return undefined;
  if (!r.has('status')) return r.error('status', 'is required');
  const status = r.int('status', 200, 200, 599);
  const b = r.message('body', DATA_SOURCE_SPEC);
  if (!b) return { status };
  const kind = b.oneof(['filename', 'inline_bytes', 'inline_string', 'environment_variable'], true);
  switch (kind) {
    case 'inline_string':
      return { status, body: Buffer.from(b.string('inline_string') ?? '', 'utf8') };
    case 'inline_bytes':
      return { status, body: Buffer.from(b.string('inline_bytes') ?? '', 'base64') };
    case 'environment_variable': {
      const name = b.string('environment_variable', { required: true }) ?? '';
      const v = process.env[name];
      if (v === undefined) return b.error('environment_variable', `environment variable ${name} is not set`);
      return { status, body: Buffer.from(v, 'utf8') };
    }
    case 'filename':
      return b.error('filename', 'direct response bodies from files are not supported by the Skiff proxy (use inline_string)');
    default:
      return undefined;
  }
}
