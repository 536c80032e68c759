// A Pod's container (core/v1 Container): what the local runtime runs — image, command, args, env,
// ports, probes, resources and mounts — with Kubernetes' validation rules. Rarely used nested
// areas (securityContext, lifecycle) are kept as open mappings.
import { z } from 'zod';
import { oneOf, port, strictObject } from '../common.js';
import { dnsLabel, looseObject, parseQuantity, portName, portNumberOrName, quantity } from './meta.js';

const nonNegativeInt = (field: string) => z.number().int(`${field} must be a whole number`).min(0, `${field} must be 0 or more`);
const positiveInt = (field: string) => z.number().int(`${field} must be a whole number`).min(1, `${field} must be at least 1`);

export const PROTOCOLS = ['TCP', 'UDP', 'SCTP'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

export const containerPortSchema = strictObject({
  containerPort: port,
  name: portName.optional(),
  protocol: oneOf(PROTOCOLS).optional(),
  hostPort: port.optional(),
  hostIP: z.string().optional(),
});
export type ContainerPort = z.infer<typeof containerPortSchema>;

// ---- environment ------------------------------------------------------------------------------

const keySelector = strictObject({
  key: z.string().min(1, 'key must not be empty'),
  name: z.string().optional(),
  optional: z.boolean().optional(),
});

export const envVarSourceSchema = strictObject({
  fieldRef: strictObject({ apiVersion: z.string().optional(), fieldPath: z.string().min(1, 'fieldPath must not be empty') }).optional(),
  resourceFieldRef: strictObject({ containerName: z.string().optional(), resource: z.string().min(1, 'resource must not be empty'), divisor: quantity.optional() }).optional(),
  configMapKeyRef: keySelector.optional(),
  secretKeyRef: keySelector.optional(),
}).superRefine((src, ctx) => {
  const set = (['fieldRef', 'resourceFieldRef', 'configMapKeyRef', 'secretKeyRef'] as const).filter((k) => src[k] !== undefined);
  if (set.length !== 1) {
    ctx.addIssue({ code: 'custom', path: set.length > 1 ? [set[1]!] : [], message: `valueFrom takes exactly one of fieldRef, resourceFieldRef, configMapKeyRef or secretKeyRef${set.length ? ` (found ${set.join(' and ')})` : ''}` });
  }
});
export type EnvVarSource = z.infer<typeof envVarSourceSchema>;

export const envVarSchema = strictObject({
  // Kubernetes accepts any printable ASCII but "=" in variable names.
  name: z.string().min(1, 'name must not be empty').regex(/^[\x20-\x3c\x3e-\x7e]+$/, 'environment variable names are printable ASCII without "="'),
  value: z.string().optional(),
  valueFrom: envVarSourceSchema.optional(),
}).superRefine((env, ctx) => {
  if (env.value && env.valueFrom) ctx.addIssue({ code: 'custom', path: ['valueFrom'], message: 'may not be specified when value is not empty' });
});
export type EnvVar = z.infer<typeof envVarSchema>;

export const envFromSourceSchema = strictObject({
  prefix: z.string().optional(),
  configMapRef: strictObject({ name: z.string().optional(), optional: z.boolean().optional() }).optional(),
  secretRef: strictObject({ name: z.string().optional(), optional: z.boolean().optional() }).optional(),
}).superRefine((src, ctx) => {
  if ((src.configMapRef === undefined) === (src.secretRef === undefined)) ctx.addIssue({ code: 'custom', message: 'envFrom takes exactly one of configMapRef or secretRef' });
});
export type EnvFromSource = z.infer<typeof envFromSourceSchema>;

// ---- probes -----------------------------------------------------------------------------------

export const httpGetActionSchema = strictObject({
  path: z.string().optional(),
  port: portNumberOrName,
  host: z.string().optional(),
  scheme: oneOf(['HTTP', 'HTTPS']).optional(),
  httpHeaders: z.array(strictObject({ name: z.string().min(1, 'name must not be empty'), value: z.string() })).optional(),
});
export type HTTPGetAction = z.infer<typeof httpGetActionSchema>;

const PROBE_HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'grpc'] as const;

export const probeSchema = strictObject({
  exec: strictObject({ command: z.array(z.string()).optional() }).optional(),
  httpGet: httpGetActionSchema.optional(),
  tcpSocket: strictObject({ port: portNumberOrName, host: z.string().optional() }).optional(),
  grpc: strictObject({ port, service: z.string().optional() }).optional(),
  initialDelaySeconds: nonNegativeInt('initialDelaySeconds').optional(),
  timeoutSeconds: positiveInt('timeoutSeconds').optional(),
  periodSeconds: positiveInt('periodSeconds').optional(),
  successThreshold: positiveInt('successThreshold').optional(),
  failureThreshold: positiveInt('failureThreshold').optional(),
  terminationGracePeriodSeconds: positiveInt('terminationGracePeriodSeconds').optional(),
}).superRefine((probe, ctx) => {
  const set = PROBE_HANDLERS.filter((h) => probe[h] !== undefined);
  if (set.length === 0) ctx.addIssue({ code: 'custom', message: `a probe must specify one handler: ${PROBE_HANDLERS.join(', ')}` });
  if (set.length > 1) ctx.addIssue({ code: 'custom', path: [set[1]!], message: `a probe takes only one handler (found ${set.join(' and ')})` });
});
export type Probe = z.infer<typeof probeSchema>;

// ---- resources and mounts ---------------------------------------------------------------------

const resourceList = z.record(z.string(), quantity);

export const resourceRequirementsSchema = strictObject({
  limits: resourceList.optional(),
  requests: resourceList.optional(),
  claims: z.array(looseObject).optional(),
}).superRefine((r, ctx) => {
  for (const [resource, request] of Object.entries(r.requests ?? {})) {
    const limit = r.limits?.[resource];
    if (limit === undefined) continue;
    const req = parseQuantity(request);
    const lim = parseQuantity(limit);
    if (req !== undefined && lim !== undefined && req > lim) {
      ctx.addIssue({ code: 'custom', path: ['requests', resource], message: `must be less than or equal to ${resource} limit of ${limit}` });
    }
  }
});
export type ResourceRequirements = z.infer<typeof resourceRequirementsSchema>;

export const volumeMountSchema = strictObject({
  name: z.string().min(1, 'name must not be empty'),
  mountPath: z.string().min(1, 'mountPath must not be empty'),
  readOnly: z.boolean().optional(),
  recursiveReadOnly: oneOf(['Disabled', 'IfPossible', 'Enabled']).optional(),
  subPath: z.string().optional(),
  subPathExpr: z.string().optional(),
  mountPropagation: oneOf(['None', 'HostToContainer', 'Bidirectional']).optional(),
}).superRefine((m, ctx) => {
  if (m.subPath && m.subPathExpr) ctx.addIssue({ code: 'custom', path: ['subPathExpr'], message: 'subPathExpr and subPath are mutually exclusive' });
  if (m.subPath && (m.subPath.startsWith('/') || m.subPath.split('/').includes('..'))) ctx.addIssue({ code: 'custom', path: ['subPath'], message: 'subPath must be a relative path without ".."' });
});
export type VolumeMount = z.infer<typeof volumeMountSchema>;

// ---- the container ----------------------------------------------------------------------------

export const containerSchema = strictObject({
  name: dnsLabel,
  image: z.string().min(1, 'image must not be empty'),
  command: z.array(z.string()).optional(),
  args: z.array(z.string()).optional(),
  workingDir: z.string().optional(),
  ports: z.array(containerPortSchema).optional(),
  env: z.array(envVarSchema).optional(),
  envFrom: z.array(envFromSourceSchema).optional(),
  resources: resourceRequirementsSchema.optional(),
  resizePolicy: z.array(looseObject).optional(),
  restartPolicy: oneOf(['Always']).optional(),
  volumeMounts: z.array(volumeMountSchema).optional(),
  volumeDevices: z.array(looseObject).optional(),
  livenessProbe: probeSchema.optional(),
  readinessProbe: probeSchema.optional(),
  startupProbe: probeSchema.optional(),
  lifecycle: looseObject.optional(),
  terminationMessagePath: z.string().optional(),
  terminationMessagePolicy: oneOf(['File', 'FallbackToLogsOnError']).optional(),
  imagePullPolicy: oneOf(['Always', 'IfNotPresent', 'Never']).optional(),
  securityContext: looseObject.optional(),
  stdin: z.boolean().optional(),
  stdinOnce: z.boolean().optional(),
  tty: z.boolean().optional(),
}).superRefine((c, ctx) => {
  // Liveness and startup probes succeed once; Kubernetes rejects any other successThreshold.
  for (const probe of ['livenessProbe', 'startupProbe'] as const) {
    const threshold = c[probe]?.successThreshold;
    if (threshold !== undefined && threshold !== 1) ctx.addIssue({ code: 'custom', path: [probe, 'successThreshold'], message: 'must be 1' });
  }
  const mountPaths = new Set<string>();
  c.volumeMounts?.forEach((m, i) => {
    if (mountPaths.has(m.mountPath)) ctx.addIssue({ code: 'custom', path: ['volumeMounts', i, 'mountPath'], message: `mountPath "${m.mountPath}" must be unique` });
    mountPaths.add(m.mountPath);
  });
});
export type Container = z.infer<typeof containerSchema>;
