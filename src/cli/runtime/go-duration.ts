// kubectl's duration flags (--timeout, --pod-running-timeout) take Go durations: `30s`, `1m30s`,
// `1.5h`, `500ms`, or a bare `0`.
import { cliError } from '../cli-error.js';

const UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds; a bad value is kubectl's `invalid argument` error naming the flag. */
export function parseGoDuration(text: string, flag: string): number {
  const bad = () => cliError(`invalid argument "${text}" for "${flag}" flag: time: invalid duration "${text}"`);
  if (text === '0') return 0;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/y;
  let ms = 0;
  let pos = 0;
  while (pos < text.length) {
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) throw bad();
    ms += Number(m[1]) * UNITS[m[2]!]!;
    pos = re.lastIndex;
  }
  if (pos === 0) throw bad();
  return ms;
}
