// IstioOperator (install.istio.io/v1alpha1): how the mesh itself is installed — profile, image
// hub and tag, meshConfig, components and Helm values. Shape of istio/istio operator/pkg/apis
// (decoded there with unknown fields disallowed) and the checks of its validation package.
import { z } from 'zod';
import { DNS1123_LABEL_RE, oneOf, strictObject, stringMap } from '../common.js';
import { envVarSchema, probeSchema, resourceRequirementsSchema, volumeMountSchema } from '../kubernetes/container.js';
import { deploymentStrategySchema } from '../kubernetes/deployment.js';
import { looseObject } from '../kubernetes/meta.js';
import { volumeSchema } from '../kubernetes/pod.js';
import { serviceSpecSchema } from '../kubernetes/service.js';
import { meshConfigSchema } from './mesh-config.js';

/** Built-in profiles Skiff can install (manifests/profiles in istio/istio, less the platform-specific ones). */
export const PROFILES = ['default', 'demo', 'minimal', 'empty', 'remote', 'ambient', 'preview'] as const;
export type Profile = (typeof PROFILES)[number];

/** `docker.io/istio`, `gcr.io/istio-release`, `localhost:5000`: a registry path images are pulled from. */
const REPOSITORY_RE = /^(?:[a-zA-Z0-9.-]+(?::\d+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const hub = z.string().refine((h) => REPOSITORY_RE.test(`${h}/pilot`), 'bad hub: expected an image registry path such as "docker.io/istio"');

/** Image tags are written as strings or, unquoted, as numbers (`tag: 1.24`). */
const TAG_RE = /^[\w][\w.-]{0,127}$/;
const tag = z.union([z.string(), z.number()], { error: 'expected an image tag such as "1.24.0"' })
  .refine((t) => TAG_RE.test(String(t)), 'bad tag: at most 128 letters, digits, "_", "." or "-", not starting with "." or "-"');

const dnsLabel = z.string().regex(DNS1123_LABEL_RE, 'must be a DNS label: lowercase alphanumerics and "-"');

/** `k8s` of a component: Kubernetes settings for its Deployment, Service and autoscaler. */
export const kubernetesResourcesSchema = strictObject({
  affinity: looseObject.optional(),
  env: z.array(envVarSchema).optional(),
  hpaSpec: looseObject.optional(),
  imagePullPolicy: oneOf(['Always', 'IfNotPresent', 'Never']).optional(),
  nodeSelector: stringMap.optional(),
  podDisruptionBudget: looseObject.optional(),
  podAnnotations: stringMap.optional(),
  priorityClassName: z.string().optional(),
  readinessProbe: probeSchema.optional(),
  replicaCount: z.number().int('replicaCount must be a whole number').min(0, 'replicaCount must be 0 or more').optional(),
  resources: resourceRequirementsSchema.optional(),
  // A partial Service spec merged into the component's Service, so the whole-Service rules don't apply.
  service: strictObject(serviceSpecSchema.shape).optional(),
  strategy: deploymentStrategySchema.optional(),
  tolerations: z.array(looseObject).optional(),
  serviceAnnotations: stringMap.optional(),
  securityContext: looseObject.optional(),
  volumes: z.array(volumeSchema).optional(),
  volumeMounts: z.array(volumeMountSchema).optional(),
  overlays: z.array(strictObject({
    apiVersion: z.string().optional(),
    kind: z.string().optional(),
    name: z.string().optional(),
    patches: z.array(strictObject({ path: z.string().min(1, 'path must not be empty'), value: z.unknown().optional() })).optional(),
  })).optional(),
});
export type KubernetesResources = z.infer<typeof kubernetesResourcesSchema>;

const componentFields = {
  enabled: z.boolean().nullable().optional(),
  namespace: dnsLabel.optional(),
  hub: hub.optional(),
  tag: tag.optional(),
  k8s: kubernetesResourcesSchema.optional(),
};

export const baseComponentSchema = strictObject({ enabled: componentFields.enabled, k8s: componentFields.k8s });
export const componentSchema = strictObject(componentFields);
export type ComponentSpec = z.infer<typeof componentSchema>;

export const gatewayComponentSchema = strictObject({
  ...componentFields,
  // Gateway names become Deployment names (istioctl's objectNameRegexp).
  name: z.string().regex(/^[a-z0-9.-]{1,254}$/, 'gateway name must be lowercase alphanumerics, "-" or "."').optional(),
  label: stringMap.optional(),
});
export type GatewayComponentSpec = z.infer<typeof gatewayComponentSchema>;

const gatewayList = z.array(gatewayComponentSchema).superRefine((gateways, ctx) => {
  const names = new Set<string>();
  gateways.forEach((g, i) => {
    if (g.name === undefined) return;
    if (names.has(g.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate gateway name "${g.name}"` });
    names.add(g.name);
  });
});

export const componentsSchema = strictObject({
  base: baseComponentSchema.optional(),
  pilot: componentSchema.optional(),
  cni: componentSchema.optional(),
  ztunnel: componentSchema.optional(),
  istiodRemote: componentSchema.optional(),
  ingressGateways: gatewayList.optional(),
  egressGateways: gatewayList.optional(),
});
export type IstioComponents = z.infer<typeof componentsSchema>;

export const istioOperatorSpec = strictObject({
  profile: oneOf(PROFILES).optional(),
  installPackagePath: z.string().optional(),
  hub: hub.optional(),
  tag: tag.optional(),
  namespace: dnsLabel.optional(),
  revision: dnsLabel.optional(),
  compatibilityVersion: z.string().regex(/^\d+\.\d+$/, 'compatibilityVersion must be a minor version such as "1.23"').optional(),
  meshConfig: meshConfigSchema.optional(),
  components: componentsSchema.optional(),
  // Helm values: free-form, interpreted by the charts.
  values: looseObject.optional(),
  unvalidatedValues: looseObject.optional(),
});
export type IstioOperatorSpec = z.infer<typeof istioOperatorSpec>;

export const istioOperator = strictObject({ spec: istioOperatorSpec.optional(), status: z.unknown().optional() });
