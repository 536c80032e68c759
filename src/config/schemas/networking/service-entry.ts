// ServiceEntry: adds a service to the mesh's registry (an external API, a VM-backed service), with
// Istio's rules about which hosts, addresses and endpoints each resolution mode accepts.
import { z } from 'zod';
import { port as portNumber } from '../common.js';
import { enumOf, issue, list, str, strict } from './fields.js';
import { exportToProblems, fqdnProblem, ipSubnetProblem, isDns1123Label, isWildcarded, UNIX_ADDRESS_PREFIX, wildcardDomainProblem } from './hosts.js';
import { isHttpProtocol, isTlsProtocol, parseProtocol, protocolProblem } from './protocol.js';
import { checkWorkloadEntry, workloadEntryShape } from './workload-entry.js';
import { labelsSelector } from './workload-selector.js';

export const SERVICE_ENTRY_LOCATIONS = ['MESH_EXTERNAL', 'MESH_INTERNAL'] as const;
export const SERVICE_ENTRY_RESOLUTIONS = ['NONE', 'STATIC', 'DNS', 'DNS_ROUND_ROBIN', 'DYNAMIC_DNS'] as const;

export const servicePort = strict({
  number: portNumber,
  protocol: str.optional(),
  name: str,
  targetPort: portNumber.optional(),
}).superRefine((p, ctx) => {
  if (!isDns1123Label(p.name)) issue(ctx, ['name'], p.name === '' ? 'a port needs a name, e.g. "http"' : `invalid port name "${p.name}": expected a DNS label`);
  const problem = protocolProblem(p.protocol ?? '');
  if (problem) issue(ctx, ['protocol'], problem);
});
export type ServicePort = z.infer<typeof servicePort>;

/** An endpoint of a ServiceEntry: a WorkloadEntry inline. */
export const serviceEntryEndpoint = strict(workloadEntryShape);
export type ServiceEntryEndpoint = z.infer<typeof serviceEntryEndpoint>;

type Resolution = (typeof SERVICE_ENTRY_RESOLUTIONS)[number];

export const serviceEntrySpec = strict({
  hosts: list(str),
  addresses: list(str).optional(),
  ports: list(servicePort).optional(),
  location: enumOf(SERVICE_ENTRY_LOCATIONS).optional(),
  resolution: enumOf(SERVICE_ENTRY_RESOLUTIONS).optional(),
  endpoints: list(serviceEntryEndpoint).optional(),
  workloadSelector: labelsSelector.optional(),
  exportTo: list(str).optional(),
  subjectAltNames: list(str).optional(),
}).superRefine((se, ctx) => {
  const resolution: Resolution = se.resolution ?? 'NONE';
  const endpoints = se.endpoints ?? [];
  const ports = se.ports ?? [];
  const addresses = se.addresses ?? [];

  if (se.hosts.length === 0) issue(ctx, ['hosts'], 'a ServiceEntry needs at least one host');
  se.hosts.forEach((h, i) => {
    const problem = h === '*' ? 'host "*" is not allowed in a ServiceEntry: name the hosts, e.g. "*.example.com"' : wildcardDomainProblem(h);
    if (problem) issue(ctx, ['hosts', i], problem);
  });

  if (se.workloadSelector && se.endpoints) issue(ctx, ['workloadSelector'], 'a ServiceEntry takes only one of "workloadSelector" or "endpoints"');

  addresses.forEach((a, i) => {
    const problem = ipSubnetProblem(a);
    if (problem) issue(ctx, ['addresses', i], problem);
    else if (a.includes('/') && resolution !== 'NONE' && resolution !== 'STATIC') issue(ctx, ['addresses', i], `CIDR addresses are only allowed with resolution NONE or STATIC, not ${resolution}`);
  });

  const names = new Set<string>();
  const numbers = new Set<number>();
  ports.forEach((p, i) => {
    if (names.has(p.name)) issue(ctx, ['ports', i, 'name'], `duplicate port name "${p.name}"`);
    if (numbers.has(p.number)) issue(ctx, ['ports', i, 'number'], `duplicate port number ${p.number}`);
    names.add(p.name);
    numbers.add(p.number);
  });

  switch (resolution) {
    case 'NONE':
      if (endpoints.length) issue(ctx, ['endpoints'], 'resolution NONE takes no endpoints: traffic goes to the address the client asked for');
      break;
    case 'STATIC':
      if (!se.workloadSelector && endpoints.length === 0) issue(ctx, [], 'resolution STATIC needs "endpoints" with IP addresses (or a workloadSelector)');
      endpoints.forEach((e, i) => {
        checkWorkloadEntry(e, ctx, { allowFqdn: false, servicePorts: names }, ['endpoints', i]);
        // A unix socket has no port, so it can only stand behind a single service port.
        if (e.address?.startsWith(UNIX_ADDRESS_PREFIX) && ports.length !== 1) issue(ctx, ['endpoints', i, 'address'], `a unix socket endpoint needs a ServiceEntry with exactly one port (this one has ${ports.length})`);
      });
      break;
    case 'DNS':
    case 'DNS_ROUND_ROBIN':
      if (endpoints.length === 0) {
        se.hosts.forEach((h, i) => {
          if (h !== '*' && !wildcardDomainProblem(h) && fqdnProblem(h)) {
            issue(ctx, ['hosts', i], `host "${h}" cannot be resolved by DNS: with resolution ${resolution} and no endpoints, hosts must be names without wildcards`);
          }
        });
      }
      if (resolution === 'DNS_ROUND_ROBIN' && endpoints.length > 1) issue(ctx, ['endpoints'], 'resolution DNS_ROUND_ROBIN takes at most one endpoint');
      endpoints.forEach((e, i) => checkWorkloadEntry(e, ctx, { allowFqdn: true, servicePorts: names }, ['endpoints', i]));
      break;
    case 'DYNAMIC_DNS':
      se.hosts.forEach((h, i) => {
        if (!isWildcarded(h)) issue(ctx, ['hosts', i], `resolution DYNAMIC_DNS needs wildcard hosts such as "*.example.com", not "${h}"`);
      });
      if (addresses.length) issue(ctx, ['addresses'], 'resolution DYNAMIC_DNS takes no addresses: routes are built from the hosts');
      if (endpoints.length) issue(ctx, ['endpoints'], 'resolution DYNAMIC_DNS takes no endpoints: the destination comes from the request host');
      ports.forEach((p, i) => {
        const proto = parseProtocol(p.protocol ?? '');
        if (proto !== 'HTTP' && proto !== 'TLS' && proto !== 'GRPC' && proto !== 'HTTP2') issue(ctx, ['ports', i, 'protocol'], 'resolution DYNAMIC_DNS supports only HTTP, TLS, GRPC and HTTP2 ports');
      });
      break;
  }

  // Plain TCP carries no host name (no Host header, no SNI), so one port cannot tell several
  // hosts apart unless resolution NONE forwards to the original destination anyway.
  if (resolution !== 'NONE' && se.hosts.length > 1) {
    const i = ports.findIndex((p) => {
      const proto = parseProtocol(p.protocol ?? '');
      return !isHttpProtocol(proto) && !isTlsProtocol(proto);
    });
    if (i >= 0) issue(ctx, ['ports', i, 'protocol'], `a ServiceEntry with several hosts and resolution ${resolution} needs HTTP or TLS ports to tell the hosts apart; port "${ports[i]!.name}" is ${ports[i]!.protocol || 'unset (TCP)'}`);
  }

  for (const { index, message } of exportToProblems(se.exportTo ?? [], true)) issue(ctx, ['exportTo', index], message);
});
export type ServiceEntrySpec = z.infer<typeof serviceEntrySpec>;

export const serviceEntryBody = strict({ spec: serviceEntrySpec, status: z.unknown().optional() });
