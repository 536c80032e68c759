// envoy.type.matcher.v3.StringMatcher and RegexMatcher, compiled once into small matcher objects.

import { compileFullMatch } from './re2.js';
import { ErrorSink, MessageReader } from './reader.js';

export interface StringMatch {
  matches(value: string): boolean;
  /** Envoy's spelling of the matcher, for config_dump-style debugging and tests. */
  readonly description: string;
}

class ExactMatch implements StringMatch {
  constructor(private readonly expected: string, private readonly ignoreCase: boolean) {}
  matches(value: string): boolean {
    return this.ignoreCase ? value.toLowerCase() === this.expected : value === this.expected;
  }
  get description(): string {
    return `exact ${JSON.stringify(this.expected)}`;
  }
}

class PrefixMatch implements StringMatch {
  constructor(private readonly prefix: string, private readonly ignoreCase: boolean) {}
  matches(value: string): boolean {
    return (this.ignoreCase ? value.toLowerCase() : value).startsWith(this.prefix);
  }
  get description(): string {
    return `prefix ${JSON.stringify(this.prefix)}`;
  }
}

class SuffixMatch implements StringMatch {
  constructor(private readonly suffix: string, private readonly ignoreCase: boolean) {}
  matches(value: string): boolean {
    return (this.ignoreCase ? value.toLowerCase() : value).endsWith(this.suffix);
  }
  get description(): string {
    return `suffix ${JSON.stringify(this.suffix)}`;
  }
}

class ContainsMatch implements StringMatch {
  constructor(private readonly part: string, private readonly ignoreCase: boolean) {}
  matches(value: string): boolean {
    return (this.ignoreCase ? value.toLowerCase() : value).includes(this.part);
  }
  get description(): string {
    return `contains ${JSON.stringify(this.part)}`;
  }
}

export class RegexMatch implements StringMatch {
  constructor(private readonly re: RegExp, private readonly pattern: string) {}
  matches(value: string): boolean {
    return this.re.test(value);
  }
  get description(): string {
    return `regex ${JSON.stringify(this.pattern)}`;
  }
}

const REGEX_MATCHER_SPEC = {
  fields: ['regex'],
  ignored: { google_re2: 'RE2 program-size limits do not apply to the JavaScript regex engine' },
};

/** envoy.type.matcher.v3.RegexMatcher → a full-match RegExp. */
export function compileRegexMatcher(value: unknown, path: string, sink: ErrorSink): RegexMatch | undefined {
  const r = MessageReader.of(value, path, sink, REGEX_MATCHER_SPEC);
  if (!r) return undefined;
  const pattern = r.string('regex', { required: true });
  if (pattern === undefined) return undefined;
  const re = compileFullMatch(pattern);
  if (typeof re === 'string') return r.error('regex', re);
  return new RegexMatch(re, pattern);
}

const STRING_MATCHER_SPEC = {
  fields: ['exact', 'prefix', 'suffix', 'safe_regex', 'contains', 'ignore_case', 'custom'],
};

export function compileStringMatcher(value: unknown, path: string, sink: ErrorSink): StringMatch | undefined {
  const r = MessageReader.of(value, path, sink, STRING_MATCHER_SPEC);
  if (!r) return undefined;
  const kind = r.oneof(['exact', 'prefix', 'suffix', 'safe_regex', 'contains', 'custom'], true);
  const ignoreCase = r.bool('ignore_case', false);
  switch (kind) {
    case 'exact': {
      const v = r.string('exact') ?? '';
      return new ExactMatch(ignoreCase ? v.toLowerCase() : v, ignoreCase);
    }
    case 'prefix':
    case 'suffix':
    case 'contains': {
      const v = r.string(kind, { nonEmpty: true });
      if (v === undefined) return undefined;
      const norm = ignoreCase ? v.toLowerCase() : v;
      if (kind === 'prefix') return new PrefixMatch(norm, ignoreCase);
      if (kind === 'suffix') return new SuffixMatch(norm, ignoreCase);
      return new ContainsMatch(norm, ignoreCase);
    }
    case 'safe_regex':
      if (ignoreCase) return r.error('ignore_case', 'cannot be combined with safe_regex');
      return compileRegexMatcher(r.raw('safe_regex'), r.at('safe_regex'), sink);
    case 'custom':
      return r.error('custom', 'custom string matcher extensions are not supported by the Skiff proxy');
    default:
      return undefined;
  }
}

export function exactMatch(value: string): StringMatch {
  return new ExactMatch(value, false);
}
export function prefixMatch(value: string): StringMatch {
  return new PrefixMatch(value, false);
}
export function suffixMatch(value: string): StringMatch {
  return new SuffixMatch(value, false);
}
export function containsMatch(value: string): StringMatch {
  return new ContainsMatch(value, false);
}
