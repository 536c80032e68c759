// Writes access log lines off the request path: lines are buffered and flushed together about once
// a second (Envoy's access_log_flush_interval default) or when the buffer grows, so a request never
// waits on a write. One writer per destination path, shared by every listener.

import { createWriteStream, type WriteStream } from 'node:fs';
import type { AccessLogConfig } from '../config/access-log.js';
import { renderJson, renderText } from './access-log-format.js';
import type { StreamInfo } from './stream-info.js';

const FLUSH_BYTES = 64 * 1024;
const FLUSH_MS = 1000;

class BufferedDestination {
  private lines: string[] = [];
  private size = 0;
  private timer: NodeJS.Timeout | undefined;
  private stream: WriteStream | undefined;

  constructor(private readonly path: string, private readonly out?: NodeJS.WritableStream) {}

  write(line: string): void {
    this.lines.push(line);
    this.size += line.length;
    if (this.size >= FLUSH_BYTES) this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), FLUSH_MS);
      this.timer.unref();
    }
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.lines.length === 0) return;
    const chunk = this.lines.join('');
    this.lines = [];
    this.size = 0;
    const target = this.out ?? (this.stream ??= createWriteStream(this.path, { flags: 'a' }).on('error', () => undefined));
    target.write(chunk);
  }

  close(): void {
    this.flush();
    this.stream?.end();
  }
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
