// IST0128 / IST0129: a DestinationRule originating TLS (SIMPLE or MUTUAL) without caCertificates
// does not verify the server's certificate, rule-wide or for one port. A credentialName with a
// workloadSelector carries its own CA; insecureSkipVerify says the user chose not to verify.
import { NETWORKING, type Analyzer } from './context.js';
import { at, list, num, record, str } from './fields.js';
import { NoServerCertificateVerificationDestinationLevel, NoServerCertificateVerificationPortLevel } from './messages.js';

function unverified(tls: unknown, hasWorkloadSelector: boolean): string | undefined {
  const t = record(tls);
  const mode = str(t?.mode);
  if (!t || (mode !== 'SIMPLE' && mode !== 'MUTUAL')) return undefined;
  if (str(t.caCertificates) || t.insecureSkipVerify === true) return undefined;
  if (str(t.credentialName) && hasWorkloadSelector) return undefined;
  return mode;
}

export const destinationRuleCaCertificatesAnalyzer: Analyzer = {
  name: 'destinationrule.CaCertificateAnalyzer',
  analyze(ctx) {
    for (const dr of ctx.of(NETWORKING, 'DestinationRule')) {
      const host = str(dr.spec.host) ?? '';
      const hasSelector = record(dr.spec.workloadSelector) !== undefined;
      const mode = unverified(at(dr.spec, 'trafficPolicy', 'tls'), hasSelector);
      if (mode) ctx.report(dr, NoServerCertificateVerificationDestinationLevel, [dr.fullName, dr.namespace, mode, host], ['spec', 'trafficPolicy', 'tls', 'mode']);
      list(at(dr.spec, 'trafficPolicy', 'portLevelSettings')).forEach((p, i) => {
        const portMode = unverified(at(p, 'tls'), hasSelector);
        if (!portMode) return;
        const port = num(at(p, 'port', 'number'));
        ctx.report(dr, NoServerCertificateVerificationPortLevel, [dr.fullName, dr.namespace, portMode, host, port !== undefined ? `number:${port}` : ''],
          ['spec', 'trafficPolicy', 'portLevelSettings', i, 'tls', 'mode']);
      });
    }
  },
};
