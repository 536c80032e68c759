// node's own HTTP/1 parser (llhttp, compiled into node), as node:http's client uses it. The upstream
// HTTP/1.1 pool parses responses with it: strict framing checks for free, and no second parser
// (undici's WebAssembly llhttp) in every proxy's memory. node exposes it through `_http_common`.

import { createRequire } from 'node:module';

/** The parser object node's C++ binding creates; callbacks sit at the numeric k* slots. */
export interface NodeHttpParser {
  initialize(type: number, resource: object, maxHeaderSize: number, lenient: number): void;
  /** Bytes parsed, or the parse error (with `code` HPE_* and `reason`). */
  execute(data: Buffer): number | Error;
  /** Signals EOF: completes a body read until close, or returns the error of a truncated message. */
  finish(): undefined | Error;
  /** Frees the native parser; never from inside one of its own callbacks. */
  close(): void;
  [slot: number]: unknown;
}

export interface NodeHttpParserBinding {
  new (): NodeHttpParser;
  readonly RESPONSE: number;
  readonly kOnHeaders: number;
  readonly kOnHeadersComplete: number;
  readonly kOnBody: number;
  readonly kOnMessageComplete: number;
  readonly kLenientNone: number;
}

function loadBinding(): NodeHttpParserBinding {
  const binding = (createRequire(import.meta.url)('_http_common') as { HTTPParser?: NodeHttpParserBinding }).HTTPParser;
  if (typeof binding !== 'function' || typeof binding.RESPONSE !== 'number' || typeof binding.kOnHeadersComplete !== 'number') {
    throw new Error(`node ${process.version} does not expose its HTTP parser (_http_common.HTTPParser), which the Skiff proxy's upstream HTTP/1.1 client needs`);
  }
  return binding;
}

export const HTTPParser: NodeHttpParserBinding = loadBinding();
