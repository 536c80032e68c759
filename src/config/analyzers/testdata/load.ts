// Test helper: reads fixture files (or inline YAML) into analysis inputs, as the CLI does.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadYaml } from '../../yaml-loader.js';
import type { AnalysisInput } from '../types.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));

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
      inputs = inputsFrom(readFileSync(`${HERE}${n}`, 'utf8'), n);
      parsed.set(n, inputs);
    }
    return inputs;
  });
}

export const BOOKINFO = ['bookinfo/bookinfo.yaml', 'bookinfo/bookinfo-gateway.yaml', 'bookinfo/destination-rule-all.yaml', 'bookinfo/virtual-service-all-v1.yaml'];
