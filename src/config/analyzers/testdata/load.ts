// Test helper: reads fixture files (or inline YAML) into analysis inputs, as the CLI does.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadYaml } from '../../yaml-loader.js';
import type { AnalysisInput } from '../types.js';

/**
 * The YAML fixtures stay in the source tree; tests run both from it (tsx) and compiled (dist/), so
 * they are found from the repo root (the nearest folder above holding package.json).
 */
function fixtureDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
  return join(dir, 'src', 'config', 'analyzers', 'testdata');
}

const FIXTURES = fixtureDir();

/** Inputs from YAML text; a YAML syntax error fails the test at once. */
export function inputsFrom(text: string, file: string): AnalysisInput[] {
  const { resources, errors } = loadYaml(text, file);
  if (errors.length > 0) throw new Error(`fixture ${file} does not parse: ${errors.map((e) => `${e.line}: ${e.message}`).join('; ')}`);
  return resources.map((r) => ({ resource: r.resource, file: r.file, positionOf: (p) => r.positionOf(p) }));
}

const parsed = new Map<string, AnalysisInput[]>();

/**
 * Inputs from fixture files under testdata/, each named by its path relative to testdata/. Files
 * are parsed once per test process; analysis never modifies its inputs.
 */
export function fixture(...names: string[]): AnalysisInput[] {
  return names.flatMap((n) => {
    let inputs = parsed.get(n);
    if (!inputs) {
      inputs = inputsFrom(readFileSync(join(FIXTURES, n), 'utf8'), n);
      parsed.set(n, inputs);
    }
    return inputs;
  });
}

export const BOOKINFO = ['bookinfo/bookinfo.yaml', 'bookinfo/bookinfo-gateway.yaml', 'bookinfo/destination-rule-all.yaml', 'bookinfo/virtual-service-all-v1.yaml'];
