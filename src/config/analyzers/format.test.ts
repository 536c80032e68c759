import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analysisJson, formatAnalysis } from './format.js';
import type { AnalysisMessage } from './types.js';

const hostNotFound: AnalysisMessage = {
  code: 'IST0101', name: 'ReferencedResourceNotFound', level: 'Error', message: 'Referenced host not found: "reviewz"',
  resource: 'VirtualService default/reviews', file: 'bookinfo.yaml', line: 12, path: 'spec.http[0].route[0].destination.host',
};
const notEnforced: AnalysisMessage = {
  code: 'SKIFF0001', name: 'NotEnforced', level: 'Warning', message: 'Sidecar (networking.istio.io) is stored but has no effect in this version of Skiff.',
  resource: 'Sidecar default/default',
};

describe('formatAnalysis', () => {
  it("prints istioctl's line: level, [code], (resource file:line), message", () => {
    assert.equal(formatAnalysis([hostNotFound, notEnforced]), [
      'Error [IST0101] (VirtualService default/reviews bookinfo.yaml:12) Referenced host not found: "reviewz"',
      'Warning [SKIFF0001] (Sidecar default/default) Sidecar (networking.istio.io) is stored but has no effect in this version of Skiff.',
    ].join('\n'));
  });

  it('names the file alone when the line is unknown', () => {
    assert.equal(formatAnalysis([{ ...hostNotFound, line: undefined }]), 'Error [IST0101] (VirtualService default/reviews bookinfo.yaml) Referenced host not found: "reviewz"');
  });

  it('says nothing was found, for the namespace, all namespaces or the files analyzed', () => {
    assert.equal(formatAnalysis([]), '✔ No validation issues found when analyzing namespace: default.');
    assert.equal(formatAnalysis([], { namespace: 'team-a' }), '✔ No validation issues found when analyzing namespace: team-a.');
    assert.equal(formatAnalysis([], { allNamespaces: true }), '✔ No validation issues found when analyzing all namespaces.');
    assert.equal(formatAnalysis([], { files: ['bookinfo.yaml'] }), '✔ No validation issues found when analyzing bookinfo.yaml.');
    assert.equal(formatAnalysis([], { files: ['a.yaml', 'b.yaml'] }), '✔ No validation issues found when analyzing:\n  - a.yaml\n  - b.yaml');
  });
});

describe('analysisJson', () => {
  it("has istioctl's fields in its order, with istio.io documentation for IST codes only", () => {
    const json = analysisJson([hostNotFound, notEnforced]);
    assert.equal(JSON.stringify(json), JSON.stringify([
      {
        code: 'IST0101',
        documentationUrl: 'https://istio.io/latest/docs/reference/config/analysis/ist0101/',
        level: 'Error',
        message: 'Referenced host not found: "reviewz"',
        origin: 'VirtualService default/reviews',
        reference: 'bookinfo.yaml:12',
      },
      {
        code: 'SKIFF0001',
        level: 'Warning',
        message: 'Sidecar (networking.istio.io) is stored but has no effect in this version of Skiff.',
        origin: 'Sidecar default/default',
      },
    ]));
  });

  it('is an empty array when nothing was found', () => {
    assert.deepEqual(analysisJson([]), []);
  });
});
