// Shared helpers for the networking schema tests: parse a spec through a kind's body schema and
// check good specs pass and each bad spec fails with an issue at the exact path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ZodType } from 'zod';
import { formatPath } from '../../errors.js';

export interface Issue {
  path: string;
  message: string;
}

export interface BadSpec {
  name: string;
  spec: unknown;
  /** Path as users read it, from the body: `spec.http[0].route[0].weight`. */
  path: string;
  /** A substring of the message. */
  message: string;
}

export function issuesOf(body: ZodType, spec: unknown): Issue[] {
  const res = body.safeParse({ spec });
  if (res.success) return [];
  return res.error.issues.map((i) => ({ path: formatPath(i.path as (string | number)[]), message: i.message }));
}

export function assertValid(body: ZodType, spec: unknown, name = 'spec'): void {
  assert.deepEqual(issuesOf(body, spec), [], `${name} should be valid`);
}

/** One test per case: the spec is rejected with an issue at `path` whose message contains `message`. */
export function badSpecTable(kind: string, body: ZodType, cases: readonly BadSpec[]): void {
  for (const c of cases) {
    test(`${kind} rejects: ${c.name}`, () => {
      const issues = issuesOf(body, c.spec);
      const listed = issues.map((i) => `  ${i.path}: ${i.message}`).join('\n') || '  (none: the spec was accepted)';
      const atPath = issues.filter((i) => i.path === c.path);
      assert.ok(atPath.length > 0, `no issue at ${c.path}; got:\n${listed}`);
      assert.ok(atPath.some((i) => i.message.includes(c.message)), `no issue at ${c.path} mentions "${c.message}"; got:\n${listed}`);
    });
  }
}
