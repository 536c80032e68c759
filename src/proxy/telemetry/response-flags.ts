// Envoy's response flags: why a request ended the way it did (`UH`, `UF`, `UO`, `NR`, `UT`, ...).
// Bits so a stream records several cheaply; rendered in Envoy's order, comma-separated, `-` if none.

export const ResponseFlag = {
  FailedLocalHealthCheck: 1 << 0,
  NoHealthyUpstream: 1 << 1,
  UpstreamRequestTimeout: 1 << 2,
  LocalReset: 1 << 3,
  UpstreamRemoteReset: 1 << 4,
  UpstreamConnectionFailure: 1 << 5,
  UpstreamConnectionTermination: 1 << 6,
  UpstreamOverflow: 1 << 7,
  NoRouteFound: 1 << 8,
  DelayInjected: 1 << 9,
  FaultInjected: 1 << 10,
  RateLimited: 1 << 11,
  UnauthorizedExternalService: 1 << 12,
  DownstreamConnectionTermination: 1 << 13,
  UpstreamRetryLimitExceeded: 1 << 14,
  StreamIdleTimeout: 1 << 15,
  DownstreamProtocolError: 1 << 16,
  UpstreamProtocolError: 1 << 17,
  NoClusterFound: 1 << 18,
  DurationTimeout: 1 << 19,
  DnsResolutionFailed: 1 << 20,
} as const;

const SHORT: [number, string][] = [
  [ResponseFlag.FailedLocalHealthCheck, 'LH'],
  [ResponseFlag.NoHealthyUpstream, 'UH'],
  [ResponseFlag.UpstreamRequestTimeout, 'UT'],
  [ResponseFlag.LocalReset, 'LR'],
  [ResponseFlag.UpstreamRemoteReset, 'UR'],
  [ResponseFlag.UpstreamConnectionFailure, 'UF'],
  [ResponseFlag.UpstreamConnectionTermination, 'UC'],
  [ResponseFlag.UpstreamOverflow, 'UO'],
  [ResponseFlag.NoRouteFound, 'NR'],
  [ResponseFlag.DelayInjected, 'DI'],
  [ResponseFlag.FaultInjected, 'FI'],
  [ResponseFlag.RateLimited, 'RL'],
  [ResponseFlag.UnauthorizedExternalService, 'UAEX'],
  [ResponseFlag.DownstreamConnectionTermination, 'DC'],
  [ResponseFlag.UpstreamRetryLimitExceeded, 'URX'],
  [ResponseFlag.StreamIdleTimeout, 'SI'],
  [ResponseFlag.DownstreamProtocolError, 'DPE'],
  [ResponseFlag.UpstreamProtocolError, 'UPE'],
  [ResponseFlag.NoClusterFound, 'NC'],
  [ResponseFlag.DurationTimeout, 'DT'],
  [ResponseFlag.DnsResolutionFailed, 'DF'],
];

/** Cache of rendered flag sets; few combinations occur in practice. */
const rendered = new Map<number, string>([[0, '-']]);

export function formatResponseFlags(flags: number): string {
  let s = rendered.get(flags);
  if (s !== undefined) return s;
  const parts: string[] = [];
  for (const [bit, code] of SHORT) if (flags & bit) parts.push(code);
  s = parts.join(',');
  if (rendered.size < 1024) rendered.set(flags, s);
  return s;
}
