// Shared helpers for the config schema tests, at two levels:
// - a kind's body schema (networking): good specs pass, each bad spec fails with an issue at the
//   exact path;
// - whole documents through the loader and validator (every other API group): a YAML sample file
//   validates cleanly, each bad document is rejected with an error at the exact path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ZodType } from 'zod';
import { formatConfigError, formatPath } from '../errors.js';
import { validateLoaded, validateResource } from '../validate.js';
import { loadYaml } from '../yaml-loader.js';

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

export interface BadDocument {
  name: string;
  doc: unknown;
  /** Path of the error as `validateResource` reports it: `spec.listeners[0].port`. */
  path: string;
  message: RegExp;
}

export function issuesOf(body: ZodType, spec: unknown): Issue[] {
  const res = body.safeParse({ spec });
  if (res.success) return [];
  return res.error.issues.map((i) => ({ path: formatPath(i.path as (string | number)[]), message: i.message }));
}

export function assertValid(body: ZodType, spec: unknown, name = 'spec'): void {
  assert.deepEqual(issuesOf(body, spec), [], `${name} should be valid`);
}

/** One test per entry: the named spec passes the kind's body schema. */
export function goodSpecTable(kind: string, body: ZodType, specs: Readonly<Record<string, unknown>>): void {
  for (const [name, spec] of Object.entries(specs)) {
    test(`${kind} accepts: ${name}`, () => assertValid(body, spec, name));
  }
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

/**
 * The YAML text loads without errors into exactly `expectedCount` resources, and every one of
 * them validates. Call inside a test; the count guards against a sample silently going missing.
 */
export function assertSamplesValidate(yamlText: string, fileName: string, expectedCount: number): void {
  const { resources, errors } = loadYaml(yamlText, fileName);
  assert.deepEqual(errors, []);
  assert.equal(resources.length, expectedCount);
  const problems = resources.flatMap((r) => {
    const res = validateLoaded(r);
    return res.ok ? [] : res.errors.map(formatConfigError);
  });
  assert.deepEqual(problems, []);
}

/** One test per case: the document is rejected with an error at `path` whose message matches. */
export function badDocumentTable(cases: readonly BadDocument[]): void {
  for (const c of cases) {
    test(`rejects: ${c.name}`, () => {
      const result = validateResource(c.doc);
      assert.equal(result.ok, false, `expected ${c.name} to be rejected`);
      if (result.ok) return;
      const match = result.errors.find((e) => e.path === c.path);
      assert.ok(match, `no error at ${c.path}; got:\n${result.errors.map(formatConfigError).join('\n')}`);
      assert.match(match.message, c.message);
    });
  }
}
