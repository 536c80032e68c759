// One `skiff get` table for a kind: NAMESPACE first with -A, NAME (kind-qualified when several
// kinds are printed together, as kubectl does), then the kind's columns.
import type { KindInfo } from '../../config/kinds.js';
import type { Resource } from '../../config/resource.js';
import { kindQualifier } from '../resource-ref.js';
import { columnsFor } from './columns.js';
import { formatTable } from './table.js';

export interface TableOptions {
  withNamespace: boolean;
  withKind: boolean;
  wide: boolean;
  now: number;
}

export function resourceTable(info: KindInfo, items: readonly Resource[], opts: TableOptions): string {
  const columns = columnsFor(info.group, info.kind, opts.wide);
  const headers = [...(opts.withNamespace ? ['NAMESPACE'] : []), 'NAME', ...columns.map((c) => c.header)];
  const rows = items.map((o) => [
    ...(opts.withNamespace ? [o.metadata.namespace ?? ''] : []),
    opts.withKind ? `${kindQualifier(info)}/${o.metadata.name}` : o.metadata.name,
    ...columns.map((c) => c.value(o, opts.now)),
  ]);
  return formatTable(headers, rows);
}
