// `labelSelector` and `fieldSelector` query parameters, turned into one predicate for list and
// watch. Field selectors cover what every Kubernetes kind supports: metadata.name and
// metadata.namespace (`kubectl get vs reviews -w` watches with `metadata.name=reviews`).
import type { Resource } from '../../config/resource.js';
import { matchesLabels, parseLabelSelector } from '../store/label-selector.js';
import { badRequest } from '../store/store-error.js';

export type ObjectFilter = (obj: Resource) => boolean;

const FIELDS: Record<string, (obj: Resource) => string> = {
  'metadata.name': (o) => o.metadata.name,
  'metadata.namespace': (o) => o.metadata.namespace ?? '',
};

export function selectorFilter(query: URLSearchParams): ObjectFilter {
  const labels = parseLabelSelector(query.get('labelSelector') ?? '');
  if (!labels.ok) throw badRequest(labels.errors.map((e) => e.message).join('; '));
  const fields = parseFieldSelector(query.get('fieldSelector') ?? '');
  return (obj) => matchesLabels(labels.value, obj.metadata.labels) && fields.every((f) => f(obj));
}

function parseFieldSelector(text: string): ObjectFilter[] {
  if (text.trim() === '') return [];
  return text.split(',').map((part) => {
    const m = /^\s*([^=!\s]+)\s*(==|=|!=)\s*(.*?)\s*$/.exec(part);
    if (!m) throw badRequest(`invalid field selector requirement "${part}": expected field=value or field!=value`);
    const [, field, op, value] = m as unknown as [string, string, string, string];
    const read = FIELDS[field];
    if (!read) throw badRequest(`"${field}" is not a known field selector: only ${Object.keys(FIELDS).map((f) => `"${f}"`).join(', ')}`);
    return op === '!=' ? (o: Resource) => read(o) !== value : (o: Resource) => read(o) === value;
  });
}
