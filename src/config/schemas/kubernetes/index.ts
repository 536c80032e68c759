// Kubernetes kinds Skiff reads: keyed as kinds.ts's groupKind() writes them, core kinds bare and
// the apps group prefixed.
import type { ZodType } from 'zod';
import { configMapBodySchema } from './config-map.js';
import { deployment } from './deployment.js';
import { namespaceBodySchema } from './namespace.js';
import { pod } from './pod.js';
import { secretBodySchema } from './secret.js';
import { service } from './service.js';
import { serviceAccountBodySchema } from './service-account.js';

export const kubernetesSchemas: Record<string, ZodType> = {
  Namespace: namespaceBodySchema,
  Service: service,
  ServiceAccount: serviceAccountBodySchema,
  Pod: pod,
  Secret: secretBodySchema,
  ConfigMap: configMapBodySchema,
  'apps/Deployment': deployment,
};

export type { ServiceSpec, ServicePort, ServiceType } from './service.js';
export type { PodSpec, Volume, RestartPolicy } from './pod.js';
export type {
  Container, ContainerPort, EnvVar, EnvVarSource, EnvFromSource, Probe, HTTPGetAction, ResourceRequirements, VolumeMount, Protocol,
} from './container.js';
export type { DeploymentSpec, DeploymentStrategy, PodTemplateSpec } from './deployment.js';
export type { SecretBody } from './secret.js';
export type { ConfigMapBody } from './config-map.js';
export type { NamespaceSpec } from './namespace.js';
export type { ServiceAccountBody } from './service-account.js';
export type { LabelSelector, LabelSelectorRequirement, ObjectReference, LocalObjectReference, TemplateMetadata } from './meta.js';
export { labelSelectorMatches, parseQuantity } from './meta.js';
