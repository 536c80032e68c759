// `skiff x route`'s text: the path of one request through a proxy's config, top to bottom —
// listener, virtual host, route and the VirtualService rule it came from, the route's policies,
// then each destination with its weight, DestinationRule policy and endpoints.
import type { ConfigRef, RouteExplanation } from '../../control-plane/server/debug-route-explain.js';

function ref(r: ConfigRef): string {
  return `${r.kind} ${r.namespace}/${r.name}${r.file ? ` (${r.file})` : ''}`;
}

function compact(value: unknown): string {
  return JSON.stringify(value).replace(/"([a-z_]+)":/g, '$1: ').replace(/,/g, ', ');
}

const LABEL_WIDTH = 18;

function line(label: string, value: string): string {
  return `${(label === '' ? '' : `${label}:`).padEnd(LABEL_WIDTH)}${value}\n`;
}

export function printRoute(e: RouteExplanation): string {
  let out = line('Request', `${e.request.method} ${e.request.url}`);
  for (const [k, v] of Object.entries(e.request.headers)) out += line('', `${k}: ${v}`);
  out += line('Proxy', `${e.proxy.type === 'router' ? 'gateway' : 'sidecar'} ${e.proxy.pod}.${e.proxy.namespace}`);
  if (e.listener) out += line('Listener', `${e.listener}${e.filter_chain ? ` (filter chain ${e.filter_chain})` : ''}`);
  if (e.route_config) out += line('Route config', e.route_config);
  if (e.virtual_host) out += line('Virtual host', e.virtual_host);
  const r = e.route;
  if (r) {
    out += line('Route', `${r.name ? `${r.name}, ` : ''}match ${r.match || '(any)'}`);
    if (r.virtual_service) {
      const vs = r.virtual_service;
      out += line('VirtualService', `${ref(vs)}, http[${vs.rule}]${vs.rule_name ? ` "${vs.rule_name}"` : ''}${vs.match !== undefined ? `, match[${vs.match}]` : ''}`);
    } else {
      out += line('VirtualService', 'none (the default route for the service)');
    }
    out += line('Timeout', r.timeout === undefined || r.timeout === '0s' ? 'none' : r.timeout);
    out += line('Retries', r.retries ? `${r.retries.attempts} attempts${r.retries.per_try_timeout ? `, ${r.retries.per_try_timeout} per try` : ''}${r.retries.retry_on ? `, on ${r.retries.retry_on}` : ''}` : 'none');
    out += line('Fault', r.fault ? compact(r.fault) : 'none');
    out += line('Mirror', r.mirror ? r.mirror.map((m) => `${m.cluster} (${m.percent}%)`).join(', ') : 'none');
    if (r.rewrite) out += line('Rewrite', compact(r.rewrite));
    if (r.hash_policy) out += line('Hash policy', compact(r.hash_policy));
  }
  if (e.redirect) out += line('Redirect', `${e.status ?? ''} ${compact(e.redirect)}`.trim());
  if (e.direct_response) out += line('Direct response', compact(e.direct_response));
  if (e.message) out += line('Result', e.message);
  else if (e.outcome === 'tcp') out += line('Result', 'TCP proxy (no HTTP routing on this listener)');
  for (const d of e.destinations) {
    out += `\nDestination ${d.cluster}  ${d.weight}%\n`;
    if (d.host) out += line('  Service', `${d.host}:${d.port}${d.subset ? `, subset ${d.subset}` : ''}`);
    out += line('  Rule', d.destination_rule ? ref(d.destination_rule) : 'no DestinationRule');
    if (d.policy) {
      out += line('  Load balancer', d.policy.lb_policy);
      if (d.policy.connect_timeout) out += line('  Connect', `timeout ${d.policy.connect_timeout}`);
      if (d.policy.connection_pool) out += line('  Pool', compact(d.policy.connection_pool));
      out += line('  Outlier', d.policy.outlier_detection ? compact(d.policy.outlier_detection) : 'none');
      out += line('  TLS', `${d.policy.tls.mode}${d.policy.tls.sni ? `, sni ${d.policy.tls.sni}` : ''}`);
    }
    if (d.policy?.type === 'ORIGINAL_DST') out += line('  Endpoints', 'the address the request was sent to (original destination)');
    else if (d.endpoints.length === 0) out += line('  Endpoints', 'none (Envoy answers 503, response flag UH)');
    for (const [i, ep] of d.endpoints.entries()) {
      const who = ep.pod ? `${ep.pod}${ep.namespace ? `.${ep.namespace}` : ''}` : '';
      out += line(i === 0 ? '  Endpoints' : '', [ep.address, ep.health, who, ep.locality ?? ''].filter(Boolean).join('  '));
    }
  }
  return out;
}
