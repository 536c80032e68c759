// Hands an accepted connection to its filter chain: terminates TLS first when the chain has a
// DownstreamTlsContext (checking the client certificate's SANs when required), then gives the
// plaintext stream to the chain's HTTP connection manager or TCP proxy.

import { TLSSocket } from 'node:tls';
import type { Duplex } from 'node:stream';
import type { FilterChain } from '../config/listener.js';
import type { OriginalDestination } from '../http/stream.js';
import { sanMatches } from '../tls/tls-options.js';
import type { ListenerRuntime } from './listener-runtime.js';
import type { SniffResult } from './protocol-sniffer.js';

export function acceptOnChain(runtime: ListenerRuntime, chain: FilterChain, socket: Duplex, destination?: OriginalDestination, sniffed?: SniffResult): void {
  if (chain.transportSocket.kind === 'tls') {
    const secure = runtime.secureContextFor(chain);
    if (!secure) {
      // The certificate's SDS secret has not arrived: the handshake cannot happen.
      socket.destroy();
      return;
    }
    const { context, resolved } = secure;
    const verifyClient = resolved.requireClientCertificate || resolved.ca !== undefined;
    const tlsSocket = new TLSSocket(socket, {
      isServer: true,
      secureContext: context,
      requestCert: verifyClient,
      rejectUnauthorized: resolved.requireClientCertificate,
    });
    tlsSocket.on('error', () => tlsSocket.destroy());
    tlsSocket.once('secure', () => {
      if (resolved.requireClientCertificate && !sanMatches(tlsSocket.getPeerCertificate(), resolved.subjectAltNames)) {
        tlsSocket.destroy();
        return;
      }
      acceptPlain(runtime, chain, tlsSocket, destination, undefined);
    });
    return;
  }
  acceptPlain(runtime, chain, socket, destination, sniffed);
}

function acceptPlain(runtime: ListenerRuntime, chain: FilterChain, socket: Duplex, destination: OriginalDestination | undefined, sniffed: SniffResult | undefined): void {
  const rt = runtime.chainRuntime(chain);
  if (rt.kind === 'http') rt.hcm.acceptConnection(socket, destination, sniffed?.transportProtocol === 'raw_buffer' ? sniffed : undefined);
  else rt.tcp.handle(socket, destination);
}
