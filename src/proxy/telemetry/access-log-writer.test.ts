import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AccessLogConfig } from '../config/access-log.js';
import { AccessLogWriter } from './access-log-writer.js';
import type { StreamInfo } from './stream-info.js';

test('lines reach the file whole and in order across buffer flushes, long and non-ASCII lines included', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-access-log-'));
  try {
    const path = join(dir, 'access.log');
    // The format prints the request's path: each "request" below carries its own line.
    const config: AccessLogConfig = { path, format: { kind: 'text', parts: [(s) => s.path, '\n'] } };
    const writer = new AccessLogWriter();
    const expected: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const line = i === 1000 ? `/long/${'x'.repeat(70_000)}` : i % 7 === 0 ? `/ünïcødé/✓/${i}` : `/request/${i}/${'p'.repeat(i % 50)}`;
      expected.push(line);
      writer.log([config], { path: line } as unknown as StreamInfo);
    }
    // close() flushes and ends the file stream, which finishes writing asynchronously.
    writer.close();
    await waitForContent(path, expected.join('\n').length);
    assert.deepEqual(readFileSync(path, 'utf8').split('\n').slice(0, -1), expected);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

async function waitForContent(path: string, minChars: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      if (readFileSync(path, 'utf8').length >= minChars) return;
    } catch {
      // not created yet
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}
