// HCM normalize_path (RFC 3986 §5.2.4 dot-segment removal, backslashes as slashes) and
// merge_slashes, applied to the path before routing. The query string is left alone.

export function normalizePath(path: string, removeDotSegments: boolean, mergeSlashes: boolean): string {
  const q = path.indexOf('?');
  let p = q < 0 ? path : path.slice(0, q);
  const query = q < 0 ? '' : path.slice(q);
  if (removeDotSegments) {
    if (p.includes('\\')) p = p.replace(/\\/g, '/');
    if (p.includes('.')) {
      const out: string[] = [];
      const segments = p.split('/');
      for (let i = 1; i < segments.length; i++) {
        const s = segments[i]!;
        if (s === '.') {
          if (i === segments.length - 1) out.push('');
        } else if (s === '..') {
          out.pop();
          if (i === segments.length - 1) out.push('');
        } else out.push(s);
      }
      p = `/${out.join('/')}`;
    }
  }
  if (mergeSlashes && p.includes('//')) p = p.replace(/\/{2,}/g, '/');
  return p + query;
}
