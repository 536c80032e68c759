// The value rules of AuthorizationPolicy (istio/istio pkg/config/security): which `when` keys
// exist, and what IPs, ports, service accounts, trust domains and path templates look like. Each
// check returns a problem sentence, or undefined when the value is fine.
import { isCIDR, isIPAddress } from '../common.js';

export function ipProblem(value: string): string | undefined {
  if (value.includes('/')) return isCIDR(value) ? undefined : `bad CIDR range "${value}"`;
  return isIPAddress(value) ? undefined : `bad IP address "${value}"`;
}

/** Ports in AuthorizationPolicy are strings of digits; Istio accepts 0 through 65535. */
export function portProblem(value: string): string | undefined {
  return /^\d{1,5}$/.test(value) && Number(value) <= 65535 ? undefined : `bad port "${value}": expected a number between 0 and 65535`;
}

/** `serviceAccount` or `namespace/serviceAccount`, no wildcards, at most 320 characters. */
export function serviceAccountProblem(value: string): string | undefined {
  if (value.includes('*')) return `wildcard not allowed in service account "${value}"`;
  if (value.length > 320) return 'service account cannot exceed 320 characters';
  const parts = value.split('/');
  if (parts.length > 2 || parts.some((p) => p === '')) return `expected "serviceAccount" or "namespace/serviceAccount", got "${value}"`;
  return undefined;
}

/** Exact, prefix (`foo*`), suffix (`*foo`) or presence (`*`): at most one wildcard, at an end. */
export function wildcardProblem(value: string): string | undefined {
  const count = value.split('*').length - 1;
  if (count > 1) return `at most one wildcard is allowed, got "${value}"`;
  if (count === 1 && value !== '*' && !value.startsWith('*') && !value.endsWith('*')) return `wildcard is only allowed at the start or end, got "${value}"`;
  return undefined;
}

export function trustDomainProblem(value: string): string | undefined {
  return wildcardProblem(value) ?? (value.includes('/') ? `trust domain must not contain "/", got "${value}"` : undefined);
}

// Envoy's URI template matcher: `{*}` matches one segment, `{**}` any number and must come last;
// once a template is used, every other segment must be a plain RFC 3986 pchar literal.
const PCHAR_LITERAL_RE = /^[a-zA-Z0-9\-._~%!$&'()+,;:@=]+$/;

export function pathTemplateProblem(path: string): string | undefined {
  const hasTemplate = path.includes('{*}') || path.includes('{**}');
  let sawMatchAny = false;
  for (const glob of path.replace(/^\/+|\/+$/g, '').split('/')) {
    if ((glob === '{*}' || glob === '{**}') && sawMatchAny) return `invalid path "${path}": {**} must be the last operator`;
    if (glob === '{**}') { sawMatchAny = true; continue; }
    if (glob === '{*}') continue;
    if (/[{}]/.test(glob)) return `invalid path "${path}": "{" or "}" outside a supported path template ({*} or {**})`;
    if (hasTemplate && !PCHAR_LITERAL_RE.test(glob)) return `invalid path "${path}": segment "${glob}" is not a valid literal`;
  }
  return undefined;
}

/** `name[inner]` with a non-empty inner part, as `request.headers[x-user]`. */
function mapKeyProblem(key: string): string | undefined {
  const open = key.indexOf('[');
  return key.endsWith(']') && open > 0 && open < key.length - 2 ? undefined : `bad key "${key}": expected the form ${key.slice(0, open > 0 ? open : undefined)}[name]`;
}

type ValueCheck = (value: string) => string | undefined;

interface Attribute {
  /** Exact key, or a prefix when `prefix` is set. */
  key: string;
  prefix?: boolean;
  value?: ValueCheck;
  /** A key Istio knows but rejects, with the reason. */
  rejected?: string;
}

const ATTRIBUTES: readonly Attribute[] = [
  { key: 'request.headers', prefix: true },
  { key: 'source.ip', value: ipProblem },
  { key: 'remote.ip', value: ipProblem },
  { key: 'source.namespace' },
  { key: 'source.serviceAccount', value: serviceAccountProblem },
  { key: 'source.principal' },
  { key: 'source.trustDomain', value: trustDomainProblem },
  { key: 'request.auth.principal' },
  { key: 'request.auth.audiences' },
  { key: 'request.auth.presenter' },
  { key: 'request.auth.claims', prefix: true },
  { key: 'destination.ip', value: ipProblem },
  { key: 'destination.port', value: portProblem },
  { key: 'connection.sni' },
  { key: 'experimental.envoy.filters.', prefix: true },
  { key: 'destination.namespace', rejected: 'attribute destination.namespace is replaced by the metadata.namespace of the policy' },
  { key: 'destination.labels', prefix: true, rejected: 'attribute destination.labels is replaced by the workload selector' },
  { key: 'destination.name', rejected: 'deprecated attribute destination.name: only supported in v1alpha1' },
  { key: 'destination.user', rejected: 'deprecated attribute destination.user: only supported in v1alpha1' },
];

function attributeOf(key: string): Attribute | undefined {
  return ATTRIBUTES.find((a) => (a.prefix ? key.startsWith(a.key) : key === a.key));
}

/** Whether `key` is a condition key AuthorizationPolicy supports. */
export function conditionKeyProblem(key: string): string | undefined {
  const attr = attributeOf(key);
  if (!attr) return `unknown attribute "${key}": expected one of ${ATTRIBUTES.filter((a) => !a.rejected).map((a) => (a.prefix ? `${a.key.replace(/\.$/, '')}${a.key.endsWith('.') ? '.…' : '[…]'}` : a.key)).join(', ')}`;
  if (attr.rejected) return attr.rejected;
  return attr.prefix ? mapKeyProblem(key) : undefined;
}

/** The value check for a known condition key; undefined when any non-empty string will do. */
export function conditionValueCheck(key: string): ValueCheck | undefined {
  return attributeOf(key)?.value;
}

/** Condition keys the CUSTOM action cannot evaluate (its check runs before authentication data). */
export function customActionUnsupportedKey(key: string): boolean {
  return ['source.namespace', 'source.serviceAccount', 'source.trustDomain', 'source.principal'].includes(key) || key.startsWith('request.auth.');
}
