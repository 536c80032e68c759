// envoy.config.accesslog.v3.AccessLog with the file and stdout/stderr loggers and the common
// filters (status code, response flags, duration, and/or, not_health_check).

import { compileFormat, ENVOY_DEFAULT_FORMAT, type FormatPart } from '../telemetry/access-log-format.js';
import { ResponseFlag } from '../telemetry/response-flags.js';
import type { StreamInfo } from '../telemetry/stream-info.js';
import { anyTypeName, ErrorSink, isObject, MessageReader } from './reader.js';

export type AccessLogFormat =
  | { kind: 'text'; parts: readonly FormatPart[] }
  | { kind: 'json'; fields: readonly [string, readonly FormatPart[]][]; omitEmpty: boolean };

export interface AccessLogConfig {
  /** '/dev/stdout', '/dev/stderr' or a file path. */
  readonly path: string;
  readonly format: AccessLogFormat;
  readonly filter?: (s: StreamInfo) => boolean;
}

const FILE_LOG = 'envoy.extensions.access_loggers.file.v3.FileAccessLog';
const STDOUT_LOG = 'envoy.extensions.access_loggers.stream.v3.StdoutAccessLog';
const STDERR_LOG = 'envoy.extensions.access_loggers.stream.v3.StderrAccessLog';

const FLAG_CODES: Record<string, number> = {
  LH: ResponseFlag.FailedLocalHealthCheck, UH: ResponseFlag.NoHealthyUpstream, UT: ResponseFlag.UpstreamRequestTimeout,
  LR: ResponseFlag.LocalReset, UR: ResponseFlag.UpstreamRemoteReset, UF: ResponseFlag.UpstreamConnectionFailure,
  UC: ResponseFlag.UpstreamConnectionTermination, UO: ResponseFlag.UpstreamOverflow, NR: ResponseFlag.NoRouteFound,
  DI: ResponseFlag.DelayInjected, FI: ResponseFlag.FaultInjected, RL: ResponseFlag.RateLimited,
  UAEX: ResponseFlag.UnauthorizedExternalService, DC: ResponseFlag.DownstreamConnectionTermination,
  URX: ResponseFlag.UpstreamRetryLimitExceeded, SI: ResponseFlag.StreamIdleTimeout, DPE: ResponseFlag.DownstreamProtocolError,
  UPE: ResponseFlag.UpstreamProtocolError, NC: ResponseFlag.NoClusterFound, DT: ResponseFlag.DurationTimeout,
  DF: ResponseFlag.DnsResolutionFailed,
};

export function compileAccessLogs(r: MessageReader, key: string, sink: ErrorSink): AccessLogConfig[] {
  const out: AccessLogConfig[] = [];
  for (const { value, path } of r.list(key)) {
    const a = MessageReader.of(value, path, sink, { fields: ['name', 'filter', 'typed_config'] });
    if (!a) continue;
    const typed = a.raw('typed_config');
    const type = anyTypeName(typed);
    let logPath: string;
    let formatSource: MessageReader | undefined;
    let legacyFormat: string | undefined;
    if (type === FILE_LOG) {
      const f = MessageReader.of(typed, a.at('typed_config'), sink, { fields: ['@type', 'path', 'format', 'json_format', 'typed_json_format', 'log_format'] });
      if (!f) continue;
      logPath = f.string('path', { required: true }) ?? '/dev/stdout';
      if (f.has('json_format') || f.has('typed_json_format')) f.error(f.has('json_format') ? 'json_format' : 'typed_json_format', 'use log_format.json_format');
      legacyFormat = f.string('format');
      formatSource = f.message('log_format', LOG_FORMAT_SPEC);
    } else if (type === STDOUT_LOG || type === STDERR_LOG) {
      const f = MessageReader.of(typed, a.at('typed_config'), sink, { fields: ['@type', 'log_format'] });
      if (!f) continue;
      logPath = type === STDOUT_LOG ? '/dev/stdout' : '/dev/stderr';
      formatSource = f.message('log_format', LOG_FORMAT_SPEC);
    } else {
      a.error('typed_config', `access logger ${type ?? '(no @type)'} is not supported by the Skiff proxy`);
      continue;
    }
    const format = formatSource ? compileLogFormat(formatSource) : textFormat(legacyFormat ?? ENVOY_DEFAULT_FORMAT, a, 'typed_config');
    const filter = a.has('filter') ? compileFilter(a.raw('filter'), a.at('filter'), sink) : undefined;
    if (format) out.push({ path: logPath, format, filter });
  }
  return out;
}

const LOG_FORMAT_SPEC = {
  fields: ['text_format', 'json_format', 'text_format_source', 'omit_empty_values', 'content_type', 'formatters', 'json_format_options'],
};

function textFormat(format: string, r: MessageReader, key: string): AccessLogFormat | undefined {
  const parts = compileFormat(format);
  if (typeof parts === 'string') return r.error(key, parts);
  return { kind: 'text', parts };
}

function compileLogFormat(f: MessageReader): AccessLogFormat | undefined {
  if (f.list('formatters').length > 0) return f.error('formatters', 'formatter extensions are not supported by the Skiff proxy');
  const kind = f.oneof(['text_format', 'json_format', 'text_format_source'], true);
  if (kind === 'text_format') return textFormat(f.string('text_format') ?? '', f, 'text_format');
  if (kind === 'text_format_source') {
    const src = f.message('text_format_source', { fields: ['inline_string', 'inline_bytes', 'filename', 'environment_variable'] });
    if (!src) return undefined;
    if (!src.has('inline_string')) return src.error('', 'only inline_string is supported for access log formats');
    return textFormat(src.string('inline_string') ?? '', src, 'inline_string');
  }
  if (kind === 'json_format') {
    const obj = f.raw('json_format');
    if (!isObject(obj)) return f.error('json_format', 'expected an object');
    const fields: [string, readonly FormatPart[]][] = [];
    for (const [k, v] of Object.entries(obj)) {
      if (typeof v !== 'string') return f.error('json_format', `nested or non-string value for ${JSON.stringify(k)} is not supported`);
      const parts = compileFormat(v);
      if (typeof parts === 'string') return f.error('json_format', `${k}: ${parts}`);
      fields.push([k, parts]);
    }
    return { kind: 'json', fields, omitEmpty: f.bool('omit_empty_values', false) };
  }
  return undefined;
}

const COMPARISONS = ['EQ', 'GE', 'LE', 'NE'] as const;

function compileComparison(r: MessageReader, read: (s: StreamInfo) => number): ((s: StreamInfo) => boolean) | undefined {
  const c = r.message('comparison', { fields: ['op', 'value'] });
  if (!c) return r.error('comparison', 'is required');
  const op = c.enumValue('op', COMPARISONS, 'EQ');
  const v = c.message('value', { fields: ['default_value', 'runtime_key'] });
  const n = v?.int('default_value', 0, 0, 0xffffffff) ?? 0;
  switch (op) {
    case 'EQ': return (s) => read(s) === n;
    case 'GE': return (s) => read(s) >= n;
    case 'LE': return (s) => read(s) <= n;
    case 'NE': return (s) => read(s) !== n;
  }
}

function compileFilter(value: unknown, path: string, sink: ErrorSink): ((s: StreamInfo) => boolean) | undefined {
  const r = MessageReader.of(value, path, sink, {
    fields: ['status_code_filter', 'duration_filter', 'not_health_check_filter', 'traceable_filter', 'runtime_filter', 'and_filter', 'or_filter', 'header_filter', 'response_flag_filter', 'grpc_status_filter', 'extension_filter', 'metadata_filter', 'log_type_filter'],
  });
  if (!r) return undefined;
  const kind = r.oneof(['status_code_filter', 'duration_filter', 'not_health_check_filter', 'traceable_filter', 'runtime_filter', 'and_filter', 'or_filter', 'header_filter', 'response_flag_filter', 'grpc_status_filter', 'extension_filter', 'metadata_filter', 'log_type_filter'], true);
  switch (kind) {
    case 'status_code_filter': {
      const f = r.message(kind, { fields: ['comparison'] });
      return f && compileComparison(f, (s) => s.responseCode);
    }
    case 'duration_filter': {
      const f = r.message(kind, { fields: ['comparison'] });
      return f && compileComparison(f, (s) => s.durationMs);
    }
    case 'not_health_check_filter':
      return () => true;
    case 'response_flag_filter': {
      const f = r.message(kind, { fields: ['flags'] });
      if (!f) return undefined;
      let mask = 0;
      for (const code of f.stringList('flags')) {
        const bit = FLAG_CODES[code];
        if (bit === undefined) f.error('flags', `unknown response flag ${JSON.stringify(code)}`);
        else mask |= bit;
      }
      // No flags listed means any flag.
      return mask === 0 ? (s) => s.responseFlags !== 0 : (s) => (s.responseFlags & mask) !== 0;
    }
    case 'and_filter':
    case 'or_filter': {
      const f = r.message(kind, { fields: ['filters'] });
      if (!f) return undefined;
      const subs = f.list('filters').map((x) => compileFilter(x.value, x.path, sink)).filter((x) => x !== undefined);
      return kind === 'and_filter' ? (s) => subs.every((x) => x(s)) : (s) => subs.some((x) => x(s));
    }
    default:
      return kind ? r.error(kind, 'this access log filter is not supported by the Skiff proxy') : undefined;
  }
}
