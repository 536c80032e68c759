// The grpc-timeout request header ("100m", "2S", "1H"): gRPC's deadline, honoured when the route's
// max_stream_duration sets grpc_timeout_header_max.

const UNIT_MS: Record<string, number> = { H: 3_600_000, M: 60_000, S: 1000, m: 1, u: 0.001, n: 0.000001 };

export function parseGrpcTimeoutMs(value: string | string[] | undefined): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^(\d{1,8})([HMSmun])$/.exec(value);
  if (!m) return undefined;
  return Math.ceil(Number(m[1]) * UNIT_MS[m[2]!]!);
}
