// WorkloadEntry: a workload outside Kubernetes (a VM, a process) with its address, named ports and
// labels. ServiceEntry endpoints share the shape and most of the rules.
import { z } from 'zod';
import { labelMap, port } from '../common.js';
import { issue, map, str, strict, uint32 } from './fields.js';
import { fqdnProblem, isDns1123Label, isIpAddress, UNIX_ADDRESS_PREFIX, unixAddressProblem } from './hosts.js';

export const workloadEntryShape = {
  address: str.optional(),
  ports: map(port).optional(),
  labels: labelMap.optional(),
  network: str.optional(),
  locality: str.optional(),
  weight: uint32.optional(),
  serviceAccount: str.optional(),
};

export interface WorkloadEntryCheck {
  /** DNS names are allowed as addresses (WorkloadEntry, DNS ServiceEntries), not IPs only. */
  allowFqdn: boolean;
  /** The ServiceEntry's port names, which endpoint ports must refer to. */
  servicePorts?: ReadonlySet<string>;
  /** Templates (WorkloadGroup) get their address when a workload registers. */
  addressOptional?: boolean;
}

type WorkloadEntryFields = { address?: string; ports?: Record<string, number>; network?: string };

export function checkWorkloadEntry(we: WorkloadEntryFields, ctx: z.RefinementCtx, opts: WorkloadEntryCheck, at: readonly (string | number)[] = []): void {
  const addr = we.address ?? '';
  if (addr === '' && !we.network && !opts.addressOptional) issue(ctx, [...at, 'address'], 'address is required (an IP address, a host name or unix:///path)');
  if (addr.startsWith(UNIX_ADDRESS_PREFIX)) {
    const problem = unixAddressProblem(addr.slice(UNIX_ADDRESS_PREFIX.length));
    if (problem) issue(ctx, [...at, 'address'], problem);
    if (we.ports && Object.keys(we.ports).length) issue(ctx, [...at, 'ports'], `a unix socket endpoint (${addr}) cannot have ports`);
  } else if (addr !== '' && !isIpAddress(addr)) {
    if (!opts.allowFqdn) issue(ctx, [...at, 'address'], `endpoint address "${addr}" must be an IP address (resolution STATIC)`);
    else if (fqdnProblem(addr)) issue(ctx, [...at, 'address'], `endpoint address "${addr}" is neither an IP address nor a valid host name`);
  }
  for (const name of Object.keys(we.ports ?? {})) {
    if (!isDns1123Label(name)) issue(ctx, [...at, 'ports', name], `invalid port name "${name}": expected a DNS label`);
    else if (opts.servicePorts && !opts.servicePorts.has(name)) {
      issue(ctx, [...at, 'ports', name], `port "${name}" is not one of the ServiceEntry's ports (${[...opts.servicePorts].join(', ') || 'none'})`);
    }
  }
}

export const workloadEntrySpec = strict(workloadEntryShape).superRefine((we, ctx) => checkWorkloadEntry(we, ctx, { allowFqdn: true }));
export type WorkloadEntrySpec = z.infer<typeof workloadEntrySpec>;

export const workloadEntryBody = strict({ spec: workloadEntrySpec, status: z.unknown().optional() });
