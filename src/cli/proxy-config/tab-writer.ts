// istioctl's tables come from Go's text/tabwriter (minwidth 0, padding 5 for most, 1 for the
// listener table, space padded): every column but the last is as wide as its widest cell plus the
// padding; the last is printed as is. Rows here all have the header's number of cells.

export function tabWrite(rows: readonly (readonly string[])[], padding: number): string {
  if (rows.length === 0) return '';
  const columns = Math.max(...rows.map((r) => r.length));
  const widths: number[] = [];
  for (let c = 0; c < columns - 1; c++) widths.push(Math.max(...rows.map((r) => [...(r[c] ?? '')].length)) + padding);
  return rows.map((r) => r.map((cell, c) => (c < columns - 1 ? cell + ' '.repeat(widths[c]! - [...cell].length) : cell)).join('') + '\n').join('');
}
