import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { allocatePort } from './ports.js';

test('ports come from below the ephemeral range, distinct, and actually free', async () => {
  const ports = new Set<number>();
  for (let i = 0; i < 20; i++) ports.add(await allocatePort());
  assert.equal(ports.size, 20);
  for (const p of ports) assert.ok(p >= 20000 && p < 61000, `port ${p}`);
  const first = [...ports][0]!;
  await new Promise<void>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(first, '127.0.0.1', () => s.close(() => resolve()));
  });
});

test('a port in use is skipped', async () => {
  const a = await allocatePort();
  const holder = createServer();
  await new Promise<void>((r) => holder.listen(a + 1, '127.0.0.1', () => r()));
  try {
    const b = await allocatePort();
    assert.notEqual(b, a + 1);
  } finally {
    holder.close();
  }
});
