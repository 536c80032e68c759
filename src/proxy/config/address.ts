// envoy.config.core.v3.Address: the proxy handles TCP socket addresses.

import { ErrorSink, MessageReader } from './reader.js';

export interface SocketAddress {
  readonly address: string;
  readonly port: number;
}

const ADDRESS_SPEC = { fields: ['socket_address', 'pipe', 'envoy_internal_address'] };
const SOCKET_ADDRESS_SPEC = {
  fields: ['protocol', 'address', 'port_value', 'named_port', 'resolver_name', 'ipv4_compat', 'network_namespace_filepath'],
};

/** `allowZeroPort` for listeners (bind to an ephemeral port) and ORIGINAL_DST placeholders. */
export function compileAddress(value: unknown, path: string, sink: ErrorSink, allowZeroPort = false): SocketAddress | undefined {
  const r = MessageReader.of(value, path, sink, ADDRESS_SPEC);
  if (!r) return undefined;
  const kind = r.oneof(['socket_address', 'pipe', 'envoy_internal_address'], true);
  if (kind !== 'socket_address') {
    if (kind) r.error(kind, 'only socket addresses are supported by the Skiff proxy');
    return undefined;
  }
  const s = r.message('socket_address', SOCKET_ADDRESS_SPEC);
  if (!s) return undefined;
  if (s.enumValue('protocol', ['TCP', 'UDP'], 'TCP') !== 'TCP') return s.error('protocol', 'only TCP is supported by the Skiff proxy');
  if (s.has('named_port')) return s.error('named_port', 'named ports are not supported; use port_value');
  if (s.has('resolver_name')) return s.error('resolver_name', 'custom resolvers are not supported by the Skiff proxy');
  if (s.has('network_namespace_filepath')) return s.error('network_namespace_filepath', 'network namespaces are not supported by the Skiff proxy');
  s.bool('ipv4_compat', false);
  const address = s.string('address', { required: true });
  const port = s.int('port_value', 0, allowZeroPort ? 0 : 1, 65535);
  if (!allowZeroPort && !s.has('port_value')) return s.error('port_value', 'is required');
  if (address === undefined) return undefined;
  return { address, port };
}

/** `host:port`, bracketing IPv6 literals. */
export function formatHostPort(address: string, port: number): string {
  return address.includes(':') && !address.startsWith('[') ? `[${address}]:${port}` : `${address}:${port}`;
}
