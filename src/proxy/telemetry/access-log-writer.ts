// Writes access log lines off the request path: lines are buffered and flushed together about once
// a second (Envoy's access_log_flush_interval default) or when the buffer grows, so a request never
// waits on a write. One writer per destination path, shared by every listener.
//
// Lines are copied into a byte buffer as they come rather than kept as strings until the flush: a
// string held for up to a second outlives two young-generation collections and is promoted, so
// under load the old generation (and the RSS) filled with log lines waiting to be written. The
// buffers are reused once written (a new one per flush would pile up as external memory until a
// full GC).

import { createWriteStream, type WriteStream } from 'node:fs';
import type { AccessLogConfig } from '../config/access-log.js';
import { renderJson, renderText } from './access-log-format.js';
import type { StreamInfo } from './stream-info.js';

const FLUSH_BYTES = 64 * 1024;
const FLUSH_MS = 1000;

class BufferedDestination {
  private buffer: Buffer | undefined;
  /** Written buffers, ready for reuse. */
  private readonly spare: Buffer[] = [];
  private size = 0;
  private timer: NodeJS.Timeout | undefined;
  private stream: WriteStream | undefined;

  constructor(private readonly path: string, private readonly out?: NodeJS.WritableStream) {}

  write(line: string): void {
    // A line cannot need more than 3 bytes per UTF-16 unit; one that might not fit flushes first.
    if (this.size > 0 && this.size + line.length * 3 > FLUSH_BYTES) this.flush();
    if (line.length * 3 > FLUSH_BYTES) {
      this.target().write(line);
      return;
    }
    const buffer = (this.buffer ??= this.spare.pop() ?? Buffer.allocUnsafe(FLUSH_BYTES));
    this.size += buffer.write(line, this.size);
    if (!this.timer) {
      this.timer = setTimeout(flushDestination, FLUSH_MS, this);
      this.timer.unref();
    }
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const buffer = this.buffer;
    if (!buffer || this.size === 0) return;
    // The stream holds the chunk until written; the buffer takes new lines only after that.
    this.target().write(buffer.subarray(0, this.size), () => {
      if (this.spare.length < 2) this.spare.push(buffer);
    });
    this.buffer = undefined;
    this.size = 0;
  }

  private target(): NodeJS.WritableStream {
    return this.out ?? (this.stream ??= createWriteStream(this.path, { flags: 'a' }).on('error', () => undefined));
  }

  close(): void {
    this.flush();
    this.stream?.end();
  }
}

function flushDestination(d: BufferedDestination): void {
  d.flush();
}

export class AccessLogWriter {
  private readonly destinations = new Map<string, BufferedDestination>();

  /** Tests and embedders may capture lines instead of writing them. */
  constructor(private readonly capture?: (path: string, line: string) => void) {}

  log(configs: readonly AccessLogConfig[], info: StreamInfo): void {
    for (let i = 0; i < configs.length; i++) {
      const c = configs[i]!;
      if (c.filter && !c.filter(info)) continue;
      const line = c.format.kind === 'text' ? renderText(c.format.parts, info) : renderJson(c.format.fields, info, c.format.omitEmpty);
      if (this.capture) {
        this.capture(c.path, line);
        continue;
      }
      let d = this.destinations.get(c.path);
      if (!d) {
        const std = c.path === '/dev/stdout' ? process.stdout : c.path === '/dev/stderr' ? process.stderr : undefined;
        d = new BufferedDestination(c.path, std);
        this.destinations.set(c.path, d);
      }
      d.write(line);
    }
  }

  close(): void {
    for (const d of this.destinations.values()) d.close();
    this.destinations.clear();
  }
}
