// The `pod-template-hash` a Deployment stamps on its pods: a stable hash of the pod template, so a
// changed template is recognised and rolled out, and an unchanged one is left alone.
import { createHash } from 'node:crypto';

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

// Kubernetes renders the hash with a "safe" alphabet without vowels, so names never spell words.
const SAFE = 'bcdfghjklmnpqrstvwxz2456789';

function safeEncode(bytes: Buffer, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += SAFE[bytes[i]! % SAFE.length];
  return out;
}

export function podTemplateHash(template: unknown): string {
  return safeEncode(createHash('sha256').update(canonical(template)).digest(), 10);
}

export function randomSuffix(): string {
  const bytes = Buffer.alloc(5);
  for (let i = 0; i < 5; i++) bytes[i] = Math.floor(Math.random() * 256);
  return safeEncode(bytes, 5);
}
