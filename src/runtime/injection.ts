// Whether a pod gets a sidecar, decided as Istio's injection webhook does
// (istio.io/latest/docs/setup/additional-setup/sidecar-injection/#controlling-the-injection-policy):
// the namespace label `istio-injection` (or a revision label `istio.io/rev`) and the pod label
// `sidecar.istio.io/inject`, with `istio-injection=disabled` winning over everything.

export interface InjectionInput {
  namespaceLabels: Record<string, string>;
  podLabels: Record<string, string>;
  podAnnotations: Record<string, string>;
}

export function shouldInject({ namespaceLabels, podLabels, podAnnotations }: InjectionInput): boolean {
  const nsLabel = namespaceLabels['istio-injection'];
  if (nsLabel === 'disabled') return false;
  const podLabel = podLabels['sidecar.istio.io/inject'] ?? podAnnotations['sidecar.istio.io/inject'];
  if (podLabel === 'false') return false;
  if (podLabel === 'true') return true;
  return nsLabel === 'enabled' || namespaceLabels['istio.io/rev'] !== undefined;
}
