// The undici connector for TLS upstreams (Istio mTLS to a peer sidecar, TLS origination): client
// certificate, CA, SNI and ALPN from the cluster's UpstreamTlsContext, and the server's subject alt
// names checked against the configured matchers instead of the host name.

import { connect as tlsConnect } from 'node:tls';
import type { buildConnector } from 'undici';
import { sanMatches, subjectAltNames, type ResolvedTls } from './tls-options.js';

export function tlsConnector(tls: ResolvedTls, connectTimeoutMs: number): buildConnector.connector {
  return (opts: buildConnector.Options, callback: buildConnector.Callback): void => {
    if (tls.missingSecret) {
      const err = Object.assign(new Error(`TLS secret ${JSON.stringify(tls.missingSecret)} has not been received (SDS)`), { code: 'ECONNREFUSED' });
      queueMicrotask(() => callback(err, null));
      return;
    }
    let done = false;
    const socket = tlsConnect({
      host: opts.hostname,
      port: Number(opts.port),
      servername: tls.sni && !/^[\d.]+$|:/.test(tls.sni) ? tls.sni : undefined,
      ALPNProtocols: tls.alpn.length > 0 ? [...tls.alpn] : undefined,
      cert: tls.cert,
      key: tls.key,
      ca: tls.ca,
      minVersion: tls.minVersion,
      maxVersion: tls.maxVersion,
      // With a CA the chain is verified; SANs replace host name checks (mesh certs carry SPIFFE URIs).
      rejectUnauthorized: tls.ca !== undefined,
      checkServerIdentity: (_host, cert) =>
        sanMatches(cert, tls.subjectAltNames) ? undefined : new Error(`peer certificate SANs [${subjectAltNames(cert).join(', ')}] match none of the configured subject alt names`),
    });
    const timer = setTimeout(() => socket.destroy(Object.assign(new Error('connect timeout'), { code: 'UND_ERR_CONNECT_TIMEOUT' })), connectTimeoutMs);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      if (done) return;
      done = true;
      callback(null, socket);
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      if (done) return;
      done = true;
      // A failed handshake is a connection failure (UF), as Envoy reports it.
      callback(Object.assign(err, { code: (err as { code?: string }).code ?? 'ECONNRESET', tlsHandshake: true }), null);
    });
  };
}
