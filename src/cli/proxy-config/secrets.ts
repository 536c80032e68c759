// `proxy-config secret`: istioctl's secret table (RESOURCE NAME, TYPE, STATUS, VALID CERT, SERIAL
// NUMBER, NOT AFTER, NOT BEFORE) from the SecretsConfigDump, reading each certificate chain's
// first certificate. A dump without secrets says so, as istioctl does.
import { X509Certificate } from 'node:crypto';
import { str, type Json } from './config-dump.js';
import { tabWrite } from './tab-writer.js';

export const NO_SECRETS = 'No active or warming secrets found.';

function inlineText(source: Json | undefined): string | undefined {
  if (!source) return undefined;
  if (typeof source.inline_bytes === 'string') return Buffer.from(source.inline_bytes, 'base64').toString('utf8');
  if (typeof source.inline_string === 'string') return source.inline_string;
  return undefined;
}

function certificateOf(secret: Json): { type: string; cert?: X509Certificate } {
  const tls = secret.tls_certificate as Json | undefined;
  const validation = secret.validation_context as Json | undefined;
  const pem = tls ? inlineText(tls.certificate_chain as Json | undefined) : inlineText(validation?.trusted_ca as Json | undefined);
  const type = tls ? 'Cert Chain' : validation ? 'CA' : 'Unknown';
  if (!pem) return { type };
  try {
    return { type, cert: new X509Certificate(pem) };
  } catch {
    return { type };
  }
}

function goTime(d: string): string {
  return new Date(d).toISOString().replace(/\.\d+Z$/, 'Z');
}

export function secretSummary(secretsDump: Json | undefined): string {
  const entries = [
    ...((secretsDump?.dynamic_active_secrets as Json[] | undefined) ?? []).map((e) => ({ e, state: 'ACTIVE' })),
    ...((secretsDump?.dynamic_warming_secrets as Json[] | undefined) ?? []).map((e) => ({ e, state: 'WARMING' })),
  ];
  if (entries.length === 0) return `${NO_SECRETS}\n`;
  const rows: string[][] = [['RESOURCE NAME', 'TYPE', 'STATUS', 'VALID CERT', 'SERIAL NUMBER', 'NOT AFTER', 'NOT BEFORE']];
  for (const { e, state } of entries) {
    const secret = (e.secret ?? {}) as Json;
    const { type, cert } = certificateOf(secret);
    const now = Date.now();
    const valid = cert ? new Date(cert.validFrom).getTime() <= now && now <= new Date(cert.validTo).getTime() : false;
    rows.push([str(e.name) || str(secret.name), type, state, String(valid), cert ? cert.serialNumber.toLowerCase() : '', cert ? goTime(cert.validTo) : '', cert ? goTime(cert.validFrom) : '']);
  }
  return tabWrite(rows, 5);
}
