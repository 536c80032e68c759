// Gateway: the servers (port, protocol, hosts, TLS) a set of gateway proxies listens with.
import { z } from 'zod';
import { port as portNumber } from '../common.js';
import { issue, list, map, str, strict, uint32 } from './fields.js';
import { isIpAddress, namespacedHostProblem, UNIX_ADDRESS_PREFIX, unixAddressProblem } from './hosts.js';
import { isHttpProtocol, isTlsProtocol, parseProtocol, protocolProblem } from './protocol.js';
import { isPassthrough, serverTlsSettings } from './tls-settings.js';

export const gatewayPort = strict({
  number: uint32,
  protocol: str,
  name: str,
  targetPort: uint32.optional(),
});
export type Port = z.infer<typeof gatewayPort>;

export const server = strict({
  port: gatewayPort,
  bind: str.optional(),
  hosts: list(str),
  tls: serverTlsSettings.optional(),
  defaultEndpoint: str.optional(),
  name: str.optional(),
}).superRefine((s, ctx) => {
  if (s.hosts.length === 0) issue(ctx, ['hosts'], 'a server needs at least one host, e.g. "*" or "ns/*.example.com"');
  s.hosts.forEach((h, i) => {
    const problem = namespacedHostProblem(h, 'gateway');
    if (problem) issue(ctx, ['hosts', i], problem);
  });

  const bind = s.bind ?? '';
  const unix = bind.startsWith(UNIX_ADDRESS_PREFIX);
  const protoProblem = s.port.protocol === '' ? 'a server port needs a protocol, e.g. HTTP, HTTPS, GRPC, TCP or TLS' : protocolProblem(s.port.protocol);
  if (protoProblem) issue(ctx, ['port', 'protocol'], protoProblem);
  if (s.port.number > 0 || !unix) {
    const res = portNumber.safeParse(s.port.number);
    if (!res.success) issue(ctx, ['port', 'number'], res.error.issues[0]!.message);
  }
  if (s.port.targetPort) issue(ctx, ['port', 'targetPort'], 'targetPort has no effect on Gateways: remove it');
  if (s.port.name === '') issue(ctx, ['port', 'name'], 'a server port needs a name, e.g. "http"');
  if (unix) {
    const problem = unixAddressProblem(bind.slice(UNIX_ADDRESS_PREFIX.length));
    if (problem) issue(ctx, ['bind'], problem);
    if (s.port.number !== 0) issue(ctx, ['port', 'number'], 'port number must be 0 when the server binds a unix domain socket');
  } else if (bind !== '' && !isIpAddress(bind)) {
    issue(ctx, ['bind'], `bind "${bind}" must be an IP address or unix:///path`);
  }

  if (protoProblem) return;
  const protocol = parseProtocol(s.port.protocol);
  if (isTlsProtocol(protocol) && !s.tls) {
    issue(ctx, [], `a ${s.port.protocol} server needs "tls" settings (e.g. mode: SIMPLE with a credentialName)`);
  } else if (!isTlsProtocol(protocol) && s.tls) {
    if (!isHttpProtocol(protocol)) {
      issue(ctx, ['tls'], `a ${s.port.protocol} server cannot have "tls" settings: use protocol HTTPS or TLS`);
    } else if (!isPassthrough(s.tls) || s.tls.caCertificates || s.tls.privateKey || s.tls.serverCertificate) {
      // On a plain-text HTTP port, `tls` may only carry httpsRedirect.
      issue(ctx, ['tls'], `a plain-text ${s.port.protocol} server cannot terminate TLS: use protocol HTTPS (tls on an HTTP port may only set httpsRedirect)`);
    }
  }
});
export type Server = z.infer<typeof server>;

export const gatewaySpec = strict({
  servers: list(server),
  selector: map(str).optional(),
}).superRefine((g, ctx) => {
  if (g.servers.length === 0) issue(ctx, ['servers'], 'a Gateway needs at least one server');
  const names = new Map<string, number>();
  g.servers.forEach((s, i) => {
    const first = names.get(s.port.name);
    if (first !== undefined && s.port.name !== '') issue(ctx, ['servers', i, 'port', 'name'], `duplicate port name "${s.port.name}" (also used by servers[${first}]): port names must be unique`);
    else names.set(s.port.name, i);
  });
});
export type GatewaySpec = z.infer<typeof gatewaySpec>;

export const gatewayBody = strict({ spec: gatewaySpec, status: z.unknown().optional() });
