// A unified diff of two texts by lines (longest common subsequence), for `proxy-status POD`:
// what the control plane would send against what the proxy runs, as istioctl prints it.

type Op = { kind: ' ' | '-' | '+'; line: string };

function ops(a: readonly string[], b: readonly string[]): Op[] {
  // Common prefix and suffix first: config dumps mostly agree, so the table stays small.
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) { endA--; endB--; }
  const x = a.slice(start, endA);
  const y = b.slice(start, endB);
  const around = (middle: Op[]): Op[] => [...a.slice(0, start).map((line): Op => ({ kind: ' ', line })), ...middle, ...a.slice(endA).map((line): Op => ({ kind: ' ', line }))];
  // Past a few million cells the table costs more than it explains: show the region replaced whole.
  if (x.length * y.length > 4_000_000) return around([...x.map((line): Op => ({ kind: '-', line })), ...y.map((line): Op => ({ kind: '+', line }))]);
  const lcs: number[][] = Array.from({ length: x.length + 1 }, () => new Array<number>(y.length + 1).fill(0));
  for (let i = x.length - 1; i >= 0; i--) for (let j = y.length - 1; j >= 0; j--) lcs[i]![j] = x[i] === y[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const middle: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < x.length || j < y.length) {
    if (i < x.length && j < y.length && x[i] === y[j]) { middle.push({ kind: ' ', line: x[i]! }); i++; j++; }
    else if (i < x.length && (j >= y.length || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) { middle.push({ kind: '-', line: x[i]! }); i++; }
    else { middle.push({ kind: '+', line: y[j]! }); j++; }
  }
  return around(middle);
}

/** `--- from` / `+++ to` and `@@` hunks with `context` lines around changes; '' when equal. */
export function unifiedDiff(from: string, to: string, fromName: string, toName: string, context = 7): string {
  const lines = (text: string) => (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n');
  const a = lines(from);
  const b = lines(to);
  const all = ops(a, b);
  const changed = all.map((o, k) => (o.kind !== ' ' ? k : -1)).filter((k) => k >= 0);
  if (changed.length === 0) return '';
  const out = [`--- ${fromName}`, `+++ ${toName}`];
  let k = 0;
  while (k < changed.length) {
    const first = Math.max(0, changed[k]! - context);
    let last = Math.min(all.length - 1, changed[k]! + context);
    while (k + 1 < changed.length && changed[k + 1]! - context <= last + 1) { k++; last = Math.min(all.length - 1, changed[k]! + context); }
    k++;
    // Line numbers of the hunk in each text.
    let lineA = 1;
    let lineB = 1;
    for (let n = 0; n < first; n++) { if (all[n]!.kind !== '+') lineA++; if (all[n]!.kind !== '-') lineB++; }
    const hunk = all.slice(first, last + 1);
    const countA = hunk.filter((o) => o.kind !== '+').length;
    const countB = hunk.filter((o) => o.kind !== '-').length;
    out.push(`@@ -${lineA},${countA} +${lineB},${countB} @@`);
    for (const o of hunk) out.push(`${o.kind}${o.line}`);
  }
  return `${out.join('\n')}\n`;
}
