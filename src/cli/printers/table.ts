// kubectl's table layout: Go's tabwriter with minwidth 6, padding 3, left-aligned, the last column
// unpadded. Widths are computed per table (a blank line between tables ends a tabwriter block).

const MIN_WIDTH = 6;
const PADDING = 3;

export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [headers, ...rows].map((r) => r.map(cleanCell));
  const columns = headers.length;
  const widths: number[] = [];
  for (let c = 0; c < columns - 1; c++) {
    const longest = Math.max(...all.map((r) => (r[c] ?? '').length));
    widths.push(Math.max(longest + PADDING, MIN_WIDTH));
  }
  return all.map((r) => r.map((cell, c) => (c < columns - 1 ? cell.padEnd(widths[c]!) : cell)).join('') + '\n').join('');
}

// A cell holding a line break prints up to it and then "...", as kubectl's table printer does.
function cleanCell(cell: string): string {
  const br = cell.search(/[\f\n\r]/);
  return br < 0 ? cell : `${cell.slice(0, br)}...`;
}
