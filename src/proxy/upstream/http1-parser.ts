// node's own HTTP/1 parser (llhttp, compiled into node), as node:http uses it. Both sides of the
// proxy parse with it: the upstream pool parses responses, the downstream connection handler
// (http/http1-server-connection.ts) requests. Strict framing checks for free, and no second
// parser (undici's WebAssembly llhttp) in every proxy's memory. node exposes it through
// `_http_common`.

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
  /**
   * Reads straight from a stream handle (a socket's `_handle`) in C++: no JS 'data' event per read.
   * After each read the kOnExecute callback gets the bytes parsed (or the error).
   */
  consume(handle: object): void;
  /** Gives the stream handle back to its JS socket. */
  unconsume(): void;
  /** The buffer being parsed, from inside kOnExecute (a copy). */
  getCurrentBuffer(): Buffer;
  /** The head of the message being parsed is complete (true between messages too). */
  headersCompleted(): boolean;
  /** Milliseconds since the message being parsed began; 0 once its head is complete. */
  duration(): number;
  [slot: number]: unknown;
}

/** A stream handle node's parser can read from directly (a TCP or TLS socket's `_handle`). */
export interface StreamHandle {
  isStreamBase?: boolean;
  _consumed?: boolean;
  reading?: boolean;
  readStart(): number;
  readStop(): number;
}

export interface NodeHttpParserBinding {
  new (): NodeHttpParser;
  readonly REQUEST: number;
  readonly RESPONSE: number;
  readonly kOnHeaders: number;
  readonly kOnHeadersComplete: number;
  readonly kOnBody: number;
  readonly kOnMessageComplete: number;
  readonly kOnExecute: number;
  readonly kLenientNone: number;
}

interface HttpCommon {
  HTTPParser?: NodeHttpParserBinding;
  /** Method names by llhttp's method number, as the parser reports a request's method. */
  methods?: string[];
}

function loadCommon(): { HTTPParser: NodeHttpParserBinding; methods: readonly string[] } {
  const common = createRequire(import.meta.url)('_http_common') as HttpCommon;
  const binding = common.HTTPParser;
  if (
    typeof binding !== 'function' || typeof binding.RESPONSE !== 'number' || typeof binding.kOnHeadersComplete !== 'number' ||
    typeof binding.kOnExecute !== 'number' || typeof binding.prototype.duration !== 'function' ||
    typeof binding.prototype.headersCompleted !== 'function' || !Array.isArray(common.methods)
  ) {
    throw new Error(`node ${process.version} does not expose its HTTP parser (_http_common.HTTPParser), which the Skiff proxy's HTTP/1.1 codec needs`);
  }
  return { HTTPParser: binding, methods: common.methods };
}

const common = loadCommon();
export const HTTPParser: NodeHttpParserBinding = common.HTTPParser;
export const HTTP_METHODS: readonly string[] = common.methods;
