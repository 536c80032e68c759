// A throwaway CA and leaf certificates (ECDSA P-256, SPIFFE URI and DNS SANs) for the proxy's
// TLS tests, made with @peculiar/x509 over node's WebCrypto. Not loaded by the proxy itself.

import './reflect-metadata-shim.js';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };

export interface TestCa {
  certPem: string;
  issue(sans: { uri?: string[]; dns?: string[] }): Promise<{ certPem: string; keyPem: string }>;
}

function pem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n');
  return `-----BEGIN ${label}-----\n${b64}${b64.endsWith('\n') ? '' : '\n'}-----END ${label}-----\n`;
}

let serial = 1;

export async function createTestCa(name = 'skiff-test-ca'): Promise<TestCa> {
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(Date.now() + 24 * 3600_000);
  const caCert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: String(serial++).padStart(2, '0'),
    name: `CN=${name}`,
    notBefore,
    notAfter,
    keys,
    signingAlgorithm: ALG,
    extensions: [new x509.BasicConstraintsExtension(true, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true)],
  });
  return {
    certPem: caCert.toString('pem') + '\n',
    async issue(sans) {
      const leafKeys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
      const names = [...(sans.uri ?? []).map((value) => ({ type: 'url' as const, value })), ...(sans.dns ?? []).map((value) => ({ type: 'dns' as const, value }))];
      const cert = await x509.X509CertificateGenerator.create({
        serialNumber: String(serial++).padStart(2, '0'),
        subject: 'CN=workload',
        issuer: caCert.subject,
        notBefore,
        notAfter,
        signingKey: keys.privateKey,
        publicKey: leafKeys.publicKey,
        signingAlgorithm: ALG,
        extensions: [
          new x509.BasicConstraintsExtension(false, undefined, true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
          new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
          new x509.SubjectAlternativeNameExtension(names),
        ],
      });
      const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', leafKeys.privateKey);
      return { certPem: cert.toString('pem') + '\n', keyPem: pem('PRIVATE KEY', pkcs8) };
    },
  };
}

/** An SDS Secret resource (proto3 JSON) holding a certificate and key. */
export function certificateSecret(name: string, certPem: string, keyPem: string): Record<string, unknown> {
  return { name, tls_certificate: { certificate_chain: { inline_string: certPem }, private_key: { inline_string: keyPem } } };
}

/** An SDS Secret resource holding a trust bundle. */
export function validationSecret(name: string, caPem: string): Record<string, unknown> {
  return { name, validation_context: { trusted_ca: { inline_string: caPem } } };
}
