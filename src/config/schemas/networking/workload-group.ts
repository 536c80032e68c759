// WorkloadGroup: the template from which WorkloadEntries are made when VMs register, and the
// readiness probe run against them.
import { z } from 'zod';
import { labelMap, port, stringMap } from '../common.js';
import { issue, list, nonNegativeInt, str, strict } from './fields.js';
import { checkWorkloadEntry, workloadEntryShape } from './workload-entry.js';

const PROBE_HEADER_NAME_RE = /^[-A-Za-z0-9]+$/;

export const httpHealthCheckConfig = strict({
  path: str.optional(),
  port,
  host: str.optional(),
  scheme: str.optional(),
  httpHeaders: list(strict({ name: str.optional(), value: str.optional() })).optional(),
}).superRefine((h, ctx) => {
  if (h.scheme && h.scheme !== 'HTTP' && h.scheme !== 'HTTPS') issue(ctx, ['scheme'], `unknown scheme "${h.scheme}": expected HTTP or HTTPS`);
  (h.httpHeaders ?? []).forEach((hdr, i) => {
    if (!hdr.name) issue(ctx, ['httpHeaders', i, 'name'], 'header name must not be empty');
    else if (!PROBE_HEADER_NAME_RE.test(hdr.name)) issue(ctx, ['httpHeaders', i, 'name'], `"${hdr.name}" is not a valid header name: expected letters, digits and "-"`);
  });
});

const PROBE_METHODS = ['httpGet', 'tcpSocket', 'exec', 'grpc'] as const;

export const readinessProbe = strict({
  initialDelaySeconds: nonNegativeInt.optional(),
  timeoutSeconds: nonNegativeInt.optional(),
  periodSeconds: nonNegativeInt.optional(),
  successThreshold: nonNegativeInt.optional(),
  failureThreshold: nonNegativeInt.optional(),
  httpGet: httpHealthCheckConfig.optional(),
  tcpSocket: strict({ host: str.optional(), port }).optional(),
  exec: strict({ command: list(str) }).optional(),
  grpc: strict({ port, service: str.optional() }).optional(),
}).superRefine((p, ctx) => {
  const methods = PROBE_METHODS.filter((m) => p[m] !== undefined);
  if (methods.length !== 1) {
    issue(ctx, [], methods.length === 0
      ? 'a readiness probe needs one of httpGet, tcpSocket, exec or grpc'
      : `a readiness probe takes only one of httpGet, tcpSocket, exec or grpc (found ${methods.join(' and ')})`);
  }
  if (p.exec && p.exec.command.length === 0) issue(ctx, ['exec', 'command'], 'exec needs a command');
});
export type ReadinessProbe = z.infer<typeof readinessProbe>;

export const workloadGroupSpec = strict({
  metadata: strict({ labels: labelMap.optional(), annotations: stringMap.optional() }).optional(),
  // The address and the rest are filled in when a workload registers, so only the shape is checked.
  template: strict(workloadEntryShape).superRefine((we, ctx) => checkWorkloadEntry(we, ctx, { allowFqdn: true, addressOptional: true })),
  probe: readinessProbe.optional(),
});
export type WorkloadGroupSpec = z.infer<typeof workloadGroupSpec>;

export const workloadGroupBody = strict({ spec: workloadGroupSpec, status: z.unknown().optional() });
