// request_headers_to_add/remove and response_headers_to_add/remove (HeaderValueOption), compiled
// per config level. A value may hold Envoy command operators; only the ones the proxy can fill
// are accepted, so a header never silently carries a literal "%FOO%".

import { hostname } from 'node:os';
import { ErrorSink, MessageReader } from './reader.js';
import type { HeaderMap } from './request-view.js';

export type AppendAction = 'APPEND_IF_EXISTS_OR_ADD' | 'ADD_IF_ABSENT' | 'OVERWRITE_IF_EXISTS_OR_ADD' | 'OVERWRITE_IF_EXISTS';
const APPEND_ACTIONS: readonly AppendAction[] = ['APPEND_IF_EXISTS_OR_ADD', 'ADD_IF_ABSENT', 'OVERWRITE_IF_EXISTS_OR_ADD', 'OVERWRITE_IF_EXISTS'];

/** What a header value may refer to when it is evaluated. */
export interface HeaderValueContext {
  downstreamRemoteAddress: string;
  downstreamRemotePort: number;
  protocol: string;
  requestHeaders: HeaderMap;
}

type ValuePart = string | ((ctx: HeaderValueContext) => string);

export interface HeaderToAdd {
  readonly name: string;
  /** Static value, or parts to concatenate. */
  readonly value: string | readonly ValuePart[];
  readonly action: AppendAction;
  readonly keepEmptyValue: boolean;
}

export interface HeaderMutation {
  readonly remove: readonly string[];
  readonly add: readonly HeaderToAdd[];
}

export const EMPTY_MUTATION: HeaderMutation = { remove: [], add: [] };

const HOST_NAME = hostname();

const OPERATORS: Record<string, (ctx: HeaderValueContext) => string> = {
  DOWNSTREAM_REMOTE_ADDRESS: (c) => `${c.downstreamRemoteAddress}:${c.downstreamRemotePort}`,
  DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT: (c) => c.downstreamRemoteAddress,
  HOSTNAME: () => HOST_NAME,
  PROTOCOL: (c) => c.protocol,
};

function compileValue(raw: string, path: string, sink: ErrorSink): string | ValuePart[] | undefined {
  if (!raw.includes('%')) return raw;
  const parts: ValuePart[] = [];
  let literal = '';
  let i = 0;
  while (i < raw.length) {
    const c = raw[i]!;
    if (c !== '%') { literal += c; i++; continue; }
    if (raw[i + 1] === '%') { literal += '%'; i += 2; continue; }
    const end = raw.indexOf('%', i + 1);
    if (end < 0) { sink.add(path, `unterminated command operator in ${JSON.stringify(raw)}`); return undefined; }
    const op = raw.slice(i + 1, end);
    const req = /^REQ\(([^)]+)\)$/.exec(op);
    let fn: ((ctx: HeaderValueContext) => string) | undefined = OPERATORS[op];
    if (req) {
      const name = req[1]!.toLowerCase();
      fn = (ctx) => {
        const v = ctx.requestHeaders[name];
        return v === undefined ? '' : typeof v === 'string' ? v : v.join(',');
      };
    }
    if (!fn) { sink.add(path, `command operator %${op}% is not supported by the Skiff proxy`); return undefined; }
    if (literal) parts.push(literal);
    literal = '';
    parts.push(fn);
    i = end + 1;
  }
  if (parts.length === 0) return literal;
  if (literal) parts.push(literal);
  return parts;
}

/** Envoy refuses to let config rewrite pseudo-headers and Host this way. */
function modifiable(name: string): boolean {
  return !name.startsWith(':') && name !== 'host';
}

const HEADER_VALUE_OPTION_SPEC = { fields: ['header', 'append', 'append_action', 'keep_empty_value'] };
const HEADER_VALUE_SPEC = { fields: ['key', 'value', 'raw_value'] };

export function compileHeaderMutation(
  r: MessageReader,
  addKey: string,
  removeKey: string,
  sink: ErrorSink,
): HeaderMutation {
  const add: HeaderToAdd[] = [];
  for (const item of r.list(addKey)) {
    const o = MessageReader.of(item.value, item.path, sink, HEADER_VALUE_OPTION_SPEC);
    if (!o) continue;
    const h = o.message('header', HEADER_VALUE_SPEC);
    if (!h) { o.error('header', 'is required'); continue; }
    const key = h.string('key', { required: true });
    if (key === undefined) continue;
    const name = key.toLowerCase();
    if (!modifiable(name)) { h.error('key', ':-prefixed or host headers may not be modified'); continue; }
    let rawValue = h.string('value') ?? '';
    if (h.has('raw_value')) {
      const b64 = h.string('raw_value') ?? '';
      rawValue = Buffer.from(b64, 'base64').toString('latin1');
    }
    const value = compileValue(rawValue, h.at('value'), sink);
    if (value === undefined) continue;
    let action: AppendAction = 'APPEND_IF_EXISTS_OR_ADD';
    if (o.has('append') && o.has('append_action')) { o.error('append', 'cannot be set together with append_action'); continue; }
    if (o.has('append')) action = o.bool('append', true) ? 'APPEND_IF_EXISTS_OR_ADD' : 'OVERWRITE_IF_EXISTS_OR_ADD';
    else action = o.enumValue('append_action', APPEND_ACTIONS, 'APPEND_IF_EXISTS_OR_ADD');
    add.push({ name, value, action, keepEmptyValue: o.bool('keep_empty_value', false) });
  }
  const remove: string[] = [];
  for (const [i, name] of r.stringList(removeKey).entries()) {
    const lower = name.toLowerCase();
    if (!modifiable(lower)) sink.add(`${r.at(removeKey)}[${i}]`, ':-prefixed or host headers may not be removed');
    else remove.push(lower);
  }
  if (add.length === 0 && remove.length === 0) return EMPTY_MUTATION;
  return { add, remove };
}

function evaluate(value: string | readonly ValuePart[], ctx: HeaderValueContext): string {
  if (typeof value === 'string') return value;
  let out = '';
  for (const p of value) out += typeof p === 'string' ? p : p(ctx);
  return out;
}

/** Removes, then adds, as Envoy's HeaderParser does for one level. */
export function applyHeaderMutation(m: HeaderMutation, headers: HeaderMap, ctx: HeaderValueContext): void {
  for (let i = 0; i < m.remove.length; i++) delete headers[m.remove[i]!];
  for (let i = 0; i < m.add.length; i++) {
    const h = m.add[i]!;
    const v = evaluate(h.value, ctx);
    if (v === '' && !h.keepEmptyValue) continue;
    const existing = headers[h.name];
    switch (h.action) {
      case 'APPEND_IF_EXISTS_OR_ADD':
        if (existing === undefined) headers[h.name] = v;
        else if (typeof existing === 'string') headers[h.name] = [existing, v];
        else headers[h.name] = [...existing, v];
        break;
      case 'ADD_IF_ABSENT':
        if (existing === undefined) headers[h.name] = v;
        break;
      case 'OVERWRITE_IF_EXISTS_OR_ADD':
        headers[h.name] = v;
        break;
      case 'OVERWRITE_IF_EXISTS':
        if (existing !== undefined) headers[h.name] = v;
        break;
    }
  }
}
