// envoy.extensions.transport_sockets.tls.v3.Secret (SDS): a certificate with its key, or a
// validation context (trusted CA and subject alt names).

import { compileDataSource } from './data-source.js';
import { ErrorSink, MessageReader } from './reader.js';
import { compileStringMatcher, type StringMatch } from './string-matcher.js';

export interface CertificateValidation {
  readonly trustedCa?: Buffer;
  /** The peer certificate must carry a SAN matching one of these (URI, DNS or IP). */
  readonly subjectAltNames: readonly StringMatch[];
}

export interface TlsCertificate {
  readonly certificateChain: Buffer;
  readonly privateKey: Buffer;
}

export interface Secret {
  readonly name: string;
  readonly tlsCertificate?: TlsCertificate;
  readonly validationContext?: CertificateValidation;
}

const SECRET_SPEC = { fields: ['@type', 'name', 'tls_certificate', 'session_ticket_keys', 'validation_context', 'generic_secret'] };

export function compileTlsCertificate(value: unknown, path: string, sink: ErrorSink): TlsCertificate | undefined {
  const t = MessageReader.of(value, path, sink, {
    fields: ['certificate_chain', 'private_key', 'pkey', 'password', 'watched_directory', 'private_key_provider', 'ocsp_staple', 'signed_certificate_timestamp'],
  });
  if (!t) return undefined;
  for (const k of ['pkey', 'password', 'private_key_provider', 'ocsp_staple', 'signed_certificate_timestamp', 'watched_directory']) {
    if (t.has(k)) t.error(k, 'is not supported by the Skiff proxy');
  }
  const certificateChain = compileDataSource(t, 'certificate_chain');
  const privateKey = compileDataSource(t, 'private_key');
  if (!certificateChain) return t.error('certificate_chain', 'is required');
  if (!privateKey) return t.error('private_key', 'is required');
  return { certificateChain, privateKey };
}

const SAN_TYPES = ['SAN_TYPE_UNSPECIFIED', 'EMAIL', 'DNS', 'URI', 'IP_ADDRESS', 'OTHER_NAME'] as const;

export function compileValidationContext(value: unknown, path: string, sink: ErrorSink): CertificateValidation | undefined {
  const v = MessageReader.of(value, path, sink, {
    fields: [
      'trusted_ca', 'ca_certificate_provider_instance', 'watched_directory', 'verify_certificate_spki', 'verify_certificate_hash',
      'match_typed_subject_alt_names', 'match_subject_alt_names', 'require_signed_certificate_timestamp', 'crl', 'allow_expired_certificate',
      'trust_chain_verification', 'custom_validator_config', 'only_verify_leaf_cert_crl', 'max_verify_depth', 'system_root_certs',
    ],
  });
  if (!v) return undefined;
  for (const k of ['ca_certificate_provider_instance', 'watched_directory', 'verify_certificate_spki', 'verify_certificate_hash', 'crl', 'custom_validator_config', 'system_root_certs']) {
    const raw = v.raw(k);
    if (raw !== undefined && !(Array.isArray(raw) && raw.length === 0)) v.error(k, 'is not supported by the Skiff proxy');
  }
  if (v.bool('allow_expired_certificate', false)) v.error('allow_expired_certificate', 'is not supported by the Skiff proxy');
  if (v.enumValue('trust_chain_verification', ['VERIFY_TRUST_CHAIN', 'ACCEPT_UNTRUSTED'], 'VERIFY_TRUST_CHAIN') !== 'VERIFY_TRUST_CHAIN') {
    v.error('trust_chain_verification', 'only VERIFY_TRUST_CHAIN is supported by the Skiff proxy');
  }
  v.bool('require_signed_certificate_timestamp', false);
  v.bool('only_verify_leaf_cert_crl', false);
  v.int('max_verify_depth', 100, 0);
  const subjectAltNames: StringMatch[] = [];
  for (const m of v.list('match_subject_alt_names')) {
    const c = compileStringMatcher(m.value, m.path, sink);
    if (c) subjectAltNames.push(c);
  }
  for (const m of v.list('match_typed_subject_alt_names')) {
    const t = MessageReader.of(m.value, m.path, sink, { fields: ['san_type', 'matcher', 'oid'] });
    if (!t) continue;
    const type = t.enumValue('san_type', SAN_TYPES, 'SAN_TYPE_UNSPECIFIED');
    if (type !== 'URI' && type !== 'DNS' && type !== 'IP_ADDRESS') {
      t.error('san_type', `${type} subject alt names are not supported by the Skiff proxy`);
      continue;
    }
    const c = compileStringMatcher(t.raw('matcher'), t.at('matcher'), sink);
    if (c) subjectAltNames.push(c);
  }
  return { trustedCa: v.has('trusted_ca') ? compileDataSource(v, 'trusted_ca') : undefined, subjectAltNames };
}

export function compileSecret(value: unknown, path: string, sink: ErrorSink): Secret | undefined {
  const r = MessageReader.of(value, path, sink, SECRET_SPEC);
  if (!r) return undefined;
  const before = sink.count;
  const name = r.string('name', { required: true }) ?? '';
  if (r.has('generic_secret')) r.error('generic_secret', 'generic secrets are not supported by the Skiff proxy');
  if (r.has('session_ticket_keys')) r.error('session_ticket_keys', 'is not supported by the Skiff proxy');
  const tlsCertificate = r.has('tls_certificate') ? compileTlsCertificate(r.raw('tls_certificate'), r.at('tls_certificate'), sink) : undefined;
  const validationContext = r.has('validation_context') ? compileValidationContext(r.raw('validation_context'), r.at('validation_context'), sink) : undefined;
  if (!tlsCertificate && !validationContext && sink.count === before) r.error('', 'a secret needs tls_certificate or validation_context');
  if (sink.count > before) return undefined;
  return { name, tlsCertificate, validationContext };
}
