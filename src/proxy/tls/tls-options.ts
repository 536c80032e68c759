// Turns a compiled TLS context plus the SDS secrets it names into node:tls options, and checks peer
// certificates against the configured subject alt names (SPIFFE URIs for Istio mTLS).

import type { PeerCertificate, SecureVersion } from 'node:tls';
import type { ResourceMap } from '../config/snapshot.js';
import type { TlsContext } from '../config/tls-context.js';
import type { StringMatch } from '../config/string-matcher.js';

export interface ResolvedTls {
  readonly cert?: Buffer;
  readonly key?: Buffer;
  readonly ca?: Buffer;
  readonly subjectAltNames: readonly StringMatch[];
  readonly alpn: readonly string[];
  readonly sni?: string;
  readonly minVersion?: SecureVersion;
  readonly maxVersion?: SecureVersion;
  readonly requireClientCertificate: boolean;
  /** A named SDS secret that has not arrived yet: TLS cannot be set up until it does. */
  readonly missingSecret?: string;
}

export function resolveTls(ctx: TlsContext, secrets: ResourceMap<'secret'>): ResolvedTls {
  let cert = ctx.certificate?.certificateChain;
  let key = ctx.certificate?.privateKey;
  let ca = ctx.validation?.trustedCa;
  const sans = [...(ctx.validation?.subjectAltNames ?? [])];
  let missingSecret: string | undefined;
  if (ctx.certificateSecret !== undefined) {
    const s = secrets.get(ctx.certificateSecret)?.value.tlsCertificate;
    if (s) {
      cert = s.certificateChain;
      key = s.privateKey;
    } else missingSecret = ctx.certificateSecret;
  }
  if (ctx.validationSecret !== undefined) {
    const v = secrets.get(ctx.validationSecret)?.value.validationContext;
    if (v) {
      ca = v.trustedCa ?? ca;
      sans.push(...v.subjectAltNames);
    } else missingSecret ??= ctx.validationSecret;
  }
  return {
    cert,
    key,
    ca,
    subjectAltNames: sans,
    alpn: ctx.alpn,
    sni: ctx.sni,
    minVersion: ctx.minVersion,
    maxVersion: ctx.maxVersion,
    requireClientCertificate: ctx.requireClientCertificate,
    missingSecret,
  };
}

/** `URI:spiffe://cluster.local/ns/default/sa/reviews, DNS:reviews` → the names. */
export function subjectAltNames(cert: PeerCertificate | undefined): string[] {
  const raw = cert?.subjectaltname;
  if (!raw) return [];
  return raw.split(/,\s*/).map((entry) => entry.slice(entry.indexOf(':') + 1));
}

/** True when no SAN is required or one of the certificate's SANs matches. */
export function sanMatches(cert: PeerCertificate | undefined, matchers: readonly StringMatch[]): boolean {
  if (matchers.length === 0) return true;
  const names = subjectAltNames(cert);
  return names.some((n) => matchers.some((m) => m.matches(n)));
}
