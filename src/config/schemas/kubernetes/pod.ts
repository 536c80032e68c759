// Pod (core/v1) and the PodSpec that Deployments template. The fields the local runtime uses are
// validated as Kubernetes does (container and volume names, mounts that name a volume, port names
// unique across containers); scheduling and host-level areas are kept as open mappings.
import { z } from 'zod';
import { labelMap, oneOf, strictObject } from '../common.js';
import { containerSchema, type Container } from './container.js';
import { dnsLabel, dnsSubdomain, localObjectReferenceSchema, looseObject, quantity } from './meta.js';

const keyToPath = strictObject({
  key: z.string().min(1, 'key must not be empty'),
  path: z.string().min(1, 'path must not be empty'),
  mode: z.number().int().optional(),
});
const fileMode = z.number().int().min(0, 'mode must be between 0 and 0777').max(0o777, 'mode must be between 0 and 0777');

/** Volume sources the runtime materializes, validated; the rest of Kubernetes' sources are stored as given. */
const VALIDATED_SOURCES = {
  emptyDir: strictObject({ medium: z.string().optional(), sizeLimit: quantity.optional() }),
  configMap: strictObject({ name: z.string().optional(), items: z.array(keyToPath).optional(), defaultMode: fileMode.optional(), optional: z.boolean().optional() }),
  secret: strictObject({ secretName: z.string().optional(), items: z.array(keyToPath).optional(), defaultMode: fileMode.optional(), optional: z.boolean().optional() }),
  hostPath: strictObject({ path: z.string().min(1, 'path must not be empty'), type: z.string().optional() }),
  persistentVolumeClaim: strictObject({ claimName: z.string().min(1, 'claimName must not be empty'), readOnly: z.boolean().optional() }),
  projected: strictObject({ sources: z.array(looseObject).optional(), defaultMode: fileMode.optional() }),
  downwardAPI: strictObject({ items: z.array(looseObject).optional(), defaultMode: fileMode.optional() }),
};
const OTHER_SOURCES = [
  'awsElasticBlockStore', 'azureDisk', 'azureFile', 'cephfs', 'cinder', 'csi', 'ephemeral', 'fc', 'flexVolume', 'flocker',
  'gcePersistentDisk', 'gitRepo', 'glusterfs', 'image', 'iscsi', 'nfs', 'photonPersistentDisk', 'portworxVolume', 'quobyte',
  'rbd', 'scaleIO', 'storageos', 'vsphereVolume',
] as const;
const SOURCE_NAMES = [...Object.keys(VALIDATED_SOURCES), ...OTHER_SOURCES];

export const volumeSchema = strictObject({
  name: dnsLabel,
  ...Object.fromEntries(Object.entries(VALIDATED_SOURCES).map(([k, v]) => [k, v.optional()])) as { [K in keyof typeof VALIDATED_SOURCES]: z.ZodOptional<(typeof VALIDATED_SOURCES)[K]> },
  ...Object.fromEntries(OTHER_SOURCES.map((k) => [k, looseObject.optional()])) as Record<(typeof OTHER_SOURCES)[number], z.ZodOptional<typeof looseObject>>,
}).superRefine((v, ctx) => {
  const set = SOURCE_NAMES.filter((k) => (v as Record<string, unknown>)[k] !== undefined);
  if (set.length === 0) ctx.addIssue({ code: 'custom', message: `volume "${v.name}" must specify a source such as emptyDir, configMap, secret or hostPath` });
  if (set.length > 1) ctx.addIssue({ code: 'custom', path: [set[1]!], message: `a volume takes exactly one source (found ${set.join(' and ')})` });
});
export type Volume = z.infer<typeof volumeSchema>;

export const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'] as const;
export type RestartPolicy = (typeof RESTART_POLICIES)[number];

export const podSpecSchema = strictObject({
  containers: z.array(containerSchema).min(1, 'at least one container is required'),
  initContainers: z.array(containerSchema).optional(),
  ephemeralContainers: z.array(looseObject).optional(),
  volumes: z.array(volumeSchema).optional(),
  restartPolicy: oneOf(RESTART_POLICIES).optional(),
  terminationGracePeriodSeconds: z.number().int().min(0, 'terminationGracePeriodSeconds must be 0 or more').optional(),
  activeDeadlineSeconds: z.number().int().min(1, 'activeDeadlineSeconds must be at least 1').optional(),
  dnsPolicy: oneOf(['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None']).optional(),
  dnsConfig: looseObject.optional(),
  nodeSelector: labelMap.optional(),
  serviceAccountName: dnsSubdomain.optional(),
  /** Deprecated alias of serviceAccountName, still accepted by Kubernetes. */
  serviceAccount: dnsSubdomain.optional(),
  automountServiceAccountToken: z.boolean().optional(),
  nodeName: z.string().optional(),
  hostNetwork: z.boolean().optional(),
  hostPID: z.boolean().optional(),
  hostIPC: z.boolean().optional(),
  hostUsers: z.boolean().optional(),
  shareProcessNamespace: z.boolean().optional(),
  securityContext: looseObject.optional(),
  imagePullSecrets: z.array(localObjectReferenceSchema).optional(),
  hostname: dnsLabel.optional(),
  hostnameOverride: z.string().optional(),
  subdomain: dnsLabel.optional(),
  setHostnameAsFQDN: z.boolean().optional(),
  affinity: looseObject.optional(),
  schedulerName: z.string().optional(),
  tolerations: z.array(looseObject).optional(),
  hostAliases: z.array(looseObject).optional(),
  priorityClassName: z.string().optional(),
  priority: z.number().int().optional(),
  preemptionPolicy: oneOf(['PreemptLowerPriority', 'Never']).optional(),
  readinessGates: z.array(looseObject).optional(),
  runtimeClassName: z.string().optional(),
  enableServiceLinks: z.boolean().optional(),
  overhead: z.record(z.string(), quantity).optional(),
  topologySpreadConstraints: z.array(looseObject).optional(),
  os: strictObject({ name: oneOf(['linux', 'windows']) }).optional(),
  schedulingGates: z.array(looseObject).optional(),
  resourceClaims: z.array(looseObject).optional(),
  resources: looseObject.optional(),
}).superRefine((spec, ctx) => {
  const volumes = new Set<string>();
  spec.volumes?.forEach((v, i) => {
    if (volumes.has(v.name)) ctx.addIssue({ code: 'custom', path: ['volumes', i, 'name'], message: `duplicate volume name "${v.name}"` });
    volumes.add(v.name);
  });
  const containerNames = new Set<string>();
  const portNames = new Set<string>();
  const each = (list: readonly Container[] | undefined, field: 'containers' | 'initContainers') => list?.forEach((c, i) => {
    if (containerNames.has(c.name)) ctx.addIssue({ code: 'custom', path: [field, i, 'name'], message: `duplicate container name "${c.name}"` });
    containerNames.add(c.name);
    c.ports?.forEach((p, j) => {
      if (p.name === undefined) return;
      if (portNames.has(p.name)) ctx.addIssue({ code: 'custom', path: [field, i, 'ports', j, 'name'], message: `duplicate port name "${p.name}"` });
      portNames.add(p.name);
    });
    c.volumeMounts?.forEach((m, j) => {
      if (!volumes.has(m.name)) ctx.addIssue({ code: 'custom', path: [field, i, 'volumeMounts', j, 'name'], message: `volume "${m.name}" not found in the pod's volumes` });
    });
  });
  each(spec.containers, 'containers');
  each(spec.initContainers, 'initContainers');
  if (spec.serviceAccount && spec.serviceAccountName && spec.serviceAccount !== spec.serviceAccountName) {
    ctx.addIssue({ code: 'custom', path: ['serviceAccount'], message: `serviceAccount (deprecated) must match serviceAccountName "${spec.serviceAccountName}"` });
  }
});
export type PodSpec = z.infer<typeof podSpecSchema>;

export const pod = strictObject({ spec: podSpecSchema, status: z.unknown().optional() });
