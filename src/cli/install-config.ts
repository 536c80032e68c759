// `skiff up -f istio-operator.yaml`: the IstioOperator a user would give `istioctl install -f`,
// read for what the local mesh honours — the profile and meshConfig's outbound traffic policy,
// access logs and auto mTLS.
import type { Resource } from '../config/resource.js';
import { loadPaths } from '../config/load-files.js';
import { validateLoaded } from '../config/validate.js';
import { formatConfigError } from '../config/errors.js';
import { cliError } from './cli-error.js';

export interface InstallConfig {
  profile?: string;
  mesh: {
    outboundTrafficPolicy?: { mode: 'ALLOW_ANY' | 'REGISTRY_ONLY' };
    accessLogFile?: string;
    accessLogEncoding?: 'TEXT' | 'JSON';
    accessLogFormat?: string;
    enableAutoMtls?: boolean;
  };
}

interface OperatorSpec {
  profile?: string;
  meshConfig?: {
    outboundTrafficPolicy?: { mode?: 'ALLOW_ANY' | 'REGISTRY_ONLY' };
    accessLogFile?: string;
    accessLogEncoding?: 'TEXT' | 'JSON';
    accessLogFormat?: string;
    enableAutoMtls?: boolean;
  };
}

export async function readInstallConfig(file: string): Promise<InstallConfig> {
  const { resources, errors } = await loadPaths([file], { recursive: false });
  if (errors.length > 0) throw cliError(`cannot read ${file}:\n${errors.map(formatConfigError).join('\n')}`);
  const operators = resources.filter((r) => r.resource.kind === 'IstioOperator');
  if (operators.length !== 1) throw cliError(`${file}: expected one IstioOperator (install.istio.io/v1alpha1), found ${operators.length}`);
  const loaded = operators[0]!;
  // istioctl accepts an IstioOperator without metadata; give it the name istioctl would.
  const resource: Resource = { ...loaded.resource, metadata: { ...(loaded.resource.metadata ?? {}), name: loaded.resource.metadata?.name || 'installed-state' } };
  const valid = validateLoaded({ ...loaded, resource });
  if (!valid.ok) throw cliError(`error validating "${file}":\n${valid.errors.map(formatConfigError).join('\n')}`);
  const spec = (resource.spec ?? {}) as OperatorSpec;
  const m = spec.meshConfig ?? {};
  const mesh: InstallConfig['mesh'] = {};
  if (m.outboundTrafficPolicy?.mode) mesh.outboundTrafficPolicy = { mode: m.outboundTrafficPolicy.mode };
  if (m.accessLogFile !== undefined) mesh.accessLogFile = m.accessLogFile;
  if (m.accessLogEncoding) mesh.accessLogEncoding = m.accessLogEncoding;
  if (m.accessLogFormat) mesh.accessLogFormat = m.accessLogFormat;
  if (m.enableAutoMtls !== undefined) mesh.enableAutoMtls = m.enableAutoMtls;
  return { profile: spec.profile, mesh };
}
