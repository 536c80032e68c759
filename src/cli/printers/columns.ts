// The columns `skiff get` prints for each kind: Istio's CRD additionalPrinterColumns for Istio
// kinds, kubectl's built-in printers for the core ones. `wide` columns appear only with -o wide.
import { groupKind } from '../../config/kinds.js';
import type { Resource } from '../../config/resource.js';
import { age } from './age.js';
import { podSummary } from './pod-columns.js';

export interface Column {
  header: string;
  value(obj: Resource, now: number): string;
  wide?: boolean;
}

type Obj = Record<string, any>;

const spec = (o: Resource): Obj => (isObj(o.spec) ? o.spec : {});
const status = (o: Resource): Obj => (isObj(o.status) ? o.status : {});

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * A CRD printer column reads a JSONPath; kubectl prints lists and maps as JSON and a missing
 * value as an empty cell.
 */
function jsonPathCell(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

const ageColumn: Column = { header: 'AGE', value: (o, now) => age(o.metadata.creationTimestamp, now) };

function specColumn(header: string, read: (s: Obj) => unknown): Column {
  return { header, value: (o) => jsonPathCell(read(spec(o))) };
}

/** `app=reviews,version=v1`, sorted by key as Kubernetes formats label sets. */
function formatSelector(sel: unknown): string {
  if (!isObj(sel) || Object.keys(sel).length === 0) return '<none>';
  return Object.keys(sel).sort().map((k) => `${k}=${String(sel[k])}`).join(',');
}

function servicePorts(o: Resource): string {
  const ports = Array.isArray(spec(o).ports) ? (spec(o).ports as Obj[]) : [];
  if (ports.length === 0) return '<none>';
  return ports.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',');
}

function serviceExternalIp(o: Resource): string {
  const s = spec(o);
  const type = s.type ?? 'ClusterIP';
  const external = Array.isArray(s.externalIPs) ? (s.externalIPs as string[]) : [];
  if (type === 'ExternalName') return String(s.externalName ?? '<none>');
  if (type === 'LoadBalancer') {
    const ingress = Array.isArray(status(o).loadBalancer?.ingress) ? (status(o).loadBalancer.ingress as Obj[]) : [];
    const ips = [...ingress.map((i) => i.ip ?? i.hostname).filter(Boolean), ...external];
    return ips.length > 0 ? ips.join(',') : '<pending>';
  }
  return external.length > 0 ? external.join(',') : '<none>';
}

function deploymentReady(o: Resource): string {
  const replicas = typeof spec(o).replicas === 'number' ? spec(o).replicas : 1;
  return `${status(o).readyReplicas ?? 0}/${replicas}`;
}

function count(v: unknown): string {
  if (Array.isArray(v)) return String(v.length);
  if (isObj(v)) return String(Object.keys(v).length);
  return '0';
}

const COLUMNS: Record<string, Column[]> = {
  'networking.istio.io/VirtualService': [
    specColumn('GATEWAYS', (s) => s.gateways), specColumn('HOSTS', (s) => s.hosts), ageColumn,
  ],
  'networking.istio.io/DestinationRule': [specColumn('HOST', (s) => s.host), ageColumn],
  'networking.istio.io/Gateway': [ageColumn],
  'networking.istio.io/ServiceEntry': [
    specColumn('HOSTS', (s) => s.hosts), specColumn('LOCATION', (s) => s.location), specColumn('RESOLUTION', (s) => s.resolution), ageColumn,
  ],
  'networking.istio.io/WorkloadEntry': [ageColumn, specColumn('ADDRESS', (s) => s.address)],
  'security.istio.io/PeerAuthentication': [specColumn('MODE', (s) => s.mtls?.mode), ageColumn],
  'security.istio.io/AuthorizationPolicy': [specColumn('ACTION', (s) => s.action), ageColumn],
  'security.istio.io/RequestAuthentication': [ageColumn],
  Service: [
    { header: 'TYPE', value: (o) => String(spec(o).type ?? 'ClusterIP') },
    { header: 'CLUSTER-IP', value: (o) => String(spec(o).clusterIP ?? '<none>') },
    { header: 'EXTERNAL-IP', value: serviceExternalIp },
    { header: 'PORT(S)', value: servicePorts },
    ageColumn,
    { header: 'SELECTOR', value: (o) => formatSelector(spec(o).selector), wide: true },
  ],
  'apps/Deployment': [
    { header: 'READY', value: deploymentReady },
    { header: 'UP-TO-DATE', value: (o) => String(status(o).updatedReplicas ?? 0) },
    { header: 'AVAILABLE', value: (o) => String(status(o).availableReplicas ?? 0) },
    ageColumn,
    { header: 'CONTAINERS', value: (o) => podTemplateContainers(o).map((c) => c.name).join(','), wide: true },
    { header: 'IMAGES', value: (o) => podTemplateContainers(o).map((c) => c.image).join(','), wide: true },
    { header: 'SELECTOR', value: (o) => formatSelector(spec(o).selector?.matchLabels), wide: true },
  ],
  Pod: [
    { header: 'READY', value: (o, now) => podSummary(o, now).ready },
    { header: 'STATUS', value: (o, now) => podSummary(o, now).status },
    { header: 'RESTARTS', value: (o, now) => podSummary(o, now).restarts },
    ageColumn,
    { header: 'IP', value: (o) => String(status(o).podIP ?? '<none>'), wide: true },
    { header: 'NODE', value: (o) => String(spec(o).nodeName ?? '<none>'), wide: true },
    { header: 'NOMINATED NODE', value: (o) => String(status(o).nominatedNodeName ?? '<none>'), wide: true },
    { header: 'READINESS GATES', value: () => '<none>', wide: true },
  ],
  Namespace: [{ header: 'STATUS', value: (o) => String(status(o).phase ?? 'Active') }, ageColumn],
  ServiceAccount: [{ header: 'SECRETS', value: (o) => count(o.secrets) }, ageColumn],
  Secret: [{ header: 'TYPE', value: (o) => String(o.type ?? 'Opaque') }, { header: 'DATA', value: (o) => count(o.data) }, ageColumn],
  ConfigMap: [{ header: 'DATA', value: (o) => count(o.data) }, ageColumn],
};

function podTemplateContainers(o: Resource): Obj[] {
  const c = spec(o).template?.spec?.containers;
  return Array.isArray(c) ? (c as Obj[]) : [];
}

/** The columns after NAME for a kind (NAME and, with -A, NAMESPACE are added by the table printer). */
export function columnsFor(group: string, kind: string, wide: boolean): Column[] {
  const cols = COLUMNS[groupKind(group, kind)] ?? [ageColumn];
  return cols.filter((c) => wide || !c.wide);
}
