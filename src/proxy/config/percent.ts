// envoy.type.v3.FractionalPercent and Percent as probabilities in [0, 1].

import { MessageReader } from './reader.js';

const DENOMINATORS = ['HUNDRED', 'TEN_THOUSAND', 'MILLION'] as const;
const DIVISOR: Record<(typeof DENOMINATORS)[number], number> = { HUNDRED: 100, TEN_THOUSAND: 10_000, MILLION: 1_000_000 };

/** Reads a FractionalPercent field of `r`; undefined when absent. */
export function fractionalPercent(r: MessageReader, key: string): number | undefined {
  const f = r.message(key, { fields: ['numerator', 'denominator'] });
  if (!f) return undefined;
  const numerator = f.int('numerator', 0, 0, 0xffffffff);
  const denominator = f.enumValue('denominator', DENOMINATORS, 'HUNDRED');
  return Math.min(1, numerator / DIVISOR[denominator]);
}

/** Reads a Percent ({ value: 0..100 }) field of `r`; undefined when absent. */
export function percent(r: MessageReader, key: string): number | undefined {
  const p = r.message(key, { fields: ['value'] });
  if (!p) return undefined;
  const v = p.number('value', 0);
  if (v < 0 || v > 100) return p.error('value', `must be between 0 and 100, got ${v}`);
  return v / 100;
}
