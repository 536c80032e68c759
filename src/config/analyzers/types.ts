// The public shapes of `skiff analyze`: what goes in, what comes out (istioctl analyze's model).
import type { Resource } from '../resource.js';
import type { AnalysisLevel } from './messages.js';

export interface AnalysisMessage {
  /** `IST0101`, or `SKIFF0001` for Skiff's own checks. */
  code: string;
  /** `ReferencedResourceNotFound`. */
  name: string;
  level: AnalysisLevel;
  message: string;
  /** `VirtualService default/reviews`; `Namespace default` for cluster-scoped kinds. */
  resource: string;
  file?: string;
  line?: number;
  /** Field path the message is about, e.g. `spec.http[0].route[0].destination.host`. */
  path?: string;
}

export interface AnalysisInput {
  resource: Resource;
  file?: string;
  positionOf?: (path: (string | number)[]) => { line: number; column: number } | undefined;
}

export interface AnalysisOptions {
  /** Namespace whose resources get messages, and the namespace of resources that name none. Default `default`. */
  namespace?: string;
  /** Report on every namespace (istioctl analyze -A). */
  allNamespaces?: boolean;
  meshConfig?: {
    /** Istio's default is true: clients pick mTLS for sidecar-injected servers on their own. */
    enableAutoMtls?: boolean;
    /** Where mesh-wide policies and DestinationRules live. Default `istio-system`. */
    rootNamespace?: string;
  };
}
