// install.istio.io: the body schema of IstioOperator (v1alpha1).
import type { ZodType } from 'zod';
import { istioOperator } from './istio-operator.js';

export const installSchemas: Record<string, ZodType> = {
  IstioOperator: istioOperator,
};

export type {
  IstioOperatorSpec, Profile, IstioComponents, ComponentSpec, GatewayComponentSpec, KubernetesResources,
} from './istio-operator.js';
export type { MeshConfig, ProxyConfig } from './mesh-config.js';
export type { ExtensionProvider } from './extension-provider.js';
