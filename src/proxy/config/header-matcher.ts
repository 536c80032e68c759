// envoy.config.route.v3.HeaderMatcher and QueryParameterMatcher.

import { ErrorSink, MessageReader } from './reader.js';
import { queryParam, requestHeader, type RequestView } from './request-view.js';
import {
  compileRegexMatcher,
  compileStringMatcher,
  containsMatch,
  exactMatch,
  prefixMatch,
  suffixMatch,
  type StringMatch,
} from './string-matcher.js';

export interface HeaderMatcher {
  readonly name: string;
  /** Undefined for present_match. */
  readonly value?: StringMatch;
  readonly range?: { start: number; end: number };
  /** For present_match: whether the header must be present. */
  readonly present: boolean;
  readonly invert: boolean;
  readonly treatMissingAsEmpty: boolean;
}

const HEADER_MATCHER_SPEC = {
  fields: [
    'name', 'exact_match', 'safe_regex_match', 'range_match', 'present_match', 'prefix_match',
    'suffix_match', 'contains_match', 'string_match', 'invert_match', 'treat_missing_header_as_empty',
  ],
};

const SPECIFIERS = [
  'exact_match', 'safe_regex_match', 'range_match', 'present_match', 'prefix_match', 'suffix_match',
  'contains_match', 'string_match',
];

export function compileHeaderMatcher(value: unknown, path: string, sink: ErrorSink): HeaderMatcher | undefined {
  const r = MessageReader.of(value, path, sink, HEADER_MATCHER_SPEC);
  if (!r) return undefined;
  const rawName = r.string('name', { required: true });
  if (rawName === undefined) return undefined;
  const name = rawName.toLowerCase();
  const invert = r.bool('invert_match', false);
  const treatMissingAsEmpty = r.bool('treat_missing_header_as_empty', false);
  const base = { name, invert, treatMissingAsEmpty };
  const kind = r.oneof(SPECIFIERS, false);
  switch (kind) {
    // No specifier: Envoy treats it as a presence check.
    case undefined:
      return { ...base, present: true };
    case 'present_match':
      return { ...base, present: r.bool('present_match', true) };
    case 'exact_match':
      return { ...base, present: true, value: exactMatch(r.string(kind) ?? '') };
    case 'prefix_match':
    case 'suffix_match':
    case 'contains_match': {
      const s = r.string(kind, { nonEmpty: true });
      if (s === undefined) return undefined;
      const m = kind === 'prefix_match' ? prefixMatch(s) : kind === 'suffix_match' ? suffixMatch(s) : containsMatch(s);
      return { ...base, present: true, value: m };
    }
    case 'safe_regex_match': {
      const m = compileRegexMatcher(r.raw(kind), r.at(kind), sink);
      return m && { ...base, present: true, value: m };
    }
    case 'string_match': {
      const m = compileStringMatcher(r.raw(kind), r.at(kind), sink);
      return m && { ...base, present: true, value: m };
    }
    case 'range_match': {
      const rr = r.message(kind, { fields: ['start', 'end'] });
      if (!rr) return undefined;
      const start = rr.int('start', 0, Number.MIN_SAFE_INTEGER);
      const end = rr.int('end', 0, Number.MIN_SAFE_INTEGER);
      if (end <= start) return rr.error('end', 'must be greater than start');
      return { ...base, present: true, range: { start, end } };
    }
    default:
      return undefined;
  }
}

const INTEGER_RE = /^[+-]?\d+$/;

/** Envoy's HeaderUtility::matchHeaders for one matcher. */
export function headerMatches(m: HeaderMatcher, req: RequestView): boolean {
  let value = requestHeader(req, m.name);
  if (value === undefined) {
    if (!m.treatMissingAsEmpty) {
      // A missing header only satisfies a presence check that asks for absence.
      const isPresenceCheck = m.value === undefined && m.range === undefined;
      return isPresenceCheck && (m.invert ? m.present : !m.present);
    }
    value = '';
  }
  let matched: boolean;
  if (m.value) matched = m.value.matches(value);
  else if (m.range) {
    if (!INTEGER_RE.test(value)) matched = false;
    else {
      const n = Number(value);
      matched = n >= m.range.start && n < m.range.end;
    }
  } else matched = m.present;
  return matched !== m.invert;
}

export interface QueryParameterMatcher {
  readonly name: string;
  /** Undefined means present_match. */
  readonly value?: StringMatch;
}

const QUERY_MATCHER_SPEC = { fields: ['name', 'string_match', 'present_match'] };

export function compileQueryParameterMatcher(
  value: unknown,
  path: string,
  sink: ErrorSink,
): QueryParameterMatcher | undefined {
  const r = MessageReader.of(value, path, sink, QUERY_MATCHER_SPEC);
  if (!r) return undefined;
  const name = r.string('name', { required: true });
  if (name === undefined) return undefined;
  const kind = r.oneof(['string_match', 'present_match'], true);
  if (kind === 'present_match') {
    if (!r.bool('present_match', false)) return r.error('present_match', 'must be true when set');
    return { name };
  }
  if (kind === 'string_match') {
    const m = compileStringMatcher(r.raw(kind), r.at(kind), sink);
    return m && { name, value: m };
  }
  return undefined;
}

export function queryParameterMatches(m: QueryParameterMatcher, req: RequestView): boolean {
  const v = queryParam(req, m.name);
  if (v === undefined) return false;
  return m.value ? m.value.matches(v) : true;
}
