import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matchesLabels, parseLabelSelector } from './label-selector.js';

function matches(selector: string, labels?: Record<string, string>): boolean {
  const parsed = parseLabelSelector(selector);
  assert.ok(parsed.ok, `selector ${selector} should parse`);
  return matchesLabels(parsed.value, labels);
}

describe('label selectors', () => {
  const reviews = { app: 'reviews', version: 'v2' };
  const cases: [string, Record<string, string> | undefined, boolean][] = [
    ['', reviews, true],
    ['app=reviews', reviews, true],
    ['app==reviews', reviews, true],
    ['app=ratings', reviews, false],
    ['app!=ratings', reviews, true],
    ['app!=reviews', reviews, false],
    ['team!=books', reviews, true],
    ['app=reviews,version!=v1', reviews, true],
    ['app=reviews, version=v1', reviews, false],
    ['version', reviews, true],
    ['team', reviews, false],
    ['!team', reviews, true],
    ['!version', reviews, false],
    ['version in (v1,v2)', reviews, true],
    ['version in (v1, v3)', reviews, false],
    ['version notin (v1,v3),app', reviews, true],
    ['team notin (a)', reviews, true],
    ['app=reviews', undefined, false],
    ['!app', undefined, true],
    ['app.kubernetes.io/name=x', { 'app.kubernetes.io/name': 'x' }, true],
  ];
  for (const [selector, labels, expected] of cases) {
    it(`${JSON.stringify(selector)} on ${JSON.stringify(labels)} is ${expected}`, () => {
      assert.equal(matches(selector, labels), expected);
    });
  }

  for (const bad of ['app=re views', '=x', 'app in (a b)', 'app,', 'bad key!=x']) {
    it(`rejects ${JSON.stringify(bad)} with a message naming the requirement`, () => {
      const parsed = parseLabelSelector(bad);
      assert.ok(!parsed.ok);
      assert.equal(parsed.errors[0]!.path, 'labelSelector');
      assert.match(parsed.errors[0]!.message, /^unable to parse requirement/);
    });
  }
});
