// One ADS stream spoken straight over node:http2, gRPC's framing by hand (a 5-byte prefix: a
// compression flag and a big-endian length): what each simulated sidecar uses instead of a grpc-js
// channel. The benchmark's 1,000 clients share the machine's two cores with the control plane they
// measure; grpc-js's per-message call stack and buffering cost the load generator more CPU than
// the control plane spends on the same push, so a slow generator, not the server, set the ACK
// times. Messages are encoded and decoded by the same src/xds codec the proxy uses.
import { EventEmitter } from 'node:events';
import { connect, constants } from 'node:http2';

const GRPC_HEADER = 5;
const ENVOY_WINDOW = 256 * 1024 * 1024;

export class AdsWireStream extends EventEmitter {
  /**
   * @param xds the compiled src/xds module (encodeDiscoveryRequest, decodeDiscoveryResponse, ADS_METHOD_PATH)
   * @param address host:port of the ADS server
   */
  constructor(xds, address) {
    super();
    this.xds = xds;
    this.closed = false;
    // Envoy's default HTTP/2 windows (256 MiB), so a large response never waits for a WINDOW_UPDATE.
    this.session = connect(`http://${address}`, { settings: { initialWindowSize: ENVOY_WINDOW } });
    this.session.once('connect', () => this.session.setLocalWindowSize(ENVOY_WINDOW));
    this.session.on('error', (e) => this.fail(`HTTP/2 session: ${e.message}`));
    this.request = this.session.request({
      [constants.HTTP2_HEADER_METHOD]: 'POST',
      [constants.HTTP2_HEADER_PATH]: xds.ADS_METHOD_PATH,
      [constants.HTTP2_HEADER_CONTENT_TYPE]: 'application/grpc',
      te: 'trailers',
    });
    this.request.on('response', (headers) => {
      const status = headers['grpc-status'];
      if (status !== undefined && status !== '0') this.fail(`grpc-status ${status}: ${headers['grpc-message'] ?? ''}`);
    });
    this.request.on('trailers', (trailers) => {
      const status = trailers['grpc-status'];
      if (status !== '0') this.fail(`grpc-status ${status}: ${decodeURIComponent(trailers['grpc-message'] ?? '')}`);
      else this.emit('end');
    });
    this.request.on('error', (e) => this.fail(`stream: ${e.message}`));
    this.request.on('end', () => {
      if (!this.closed) this.emit('end');
    });
    /** Chunks of the message being received and how many bytes they hold. */
    this.chunks = [];
    this.buffered = 0;
    this.request.on('data', (chunk) => this.onData(chunk));
  }

  fail(message) {
    if (this.closed) return;
    this.emit('error', new Error(message));
  }

  onData(chunk) {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    while (this.buffered >= GRPC_HEADER) {
      const head = this.chunks[0].length >= GRPC_HEADER ? this.chunks[0] : Buffer.concat(this.chunks);
      if (head.readUInt8(0) !== 0) return this.fail('compressed gRPC messages are not expected from the control plane');
      const length = head.readUInt32BE(1);
      if (this.buffered < GRPC_HEADER + length) return;
      const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.buffered);
      const message = all.subarray(GRPC_HEADER, GRPC_HEADER + length);
      const rest = all.subarray(GRPC_HEADER + length);
      this.chunks = rest.length > 0 ? [rest] : [];
      this.buffered = rest.length;
      let response;
      try {
        response = this.xds.decodeDiscoveryResponse(message);
      } catch (e) {
        return this.fail(`undecodable DiscoveryResponse: ${e.message}`);
      }
      this.emit('data', response);
    }
  }

  write(request) {
    const body = this.xds.encodeDiscoveryRequest(request);
    const frame = Buffer.allocUnsafe(GRPC_HEADER + body.length);
    frame.writeUInt8(0, 0);
    frame.writeUInt32BE(body.length, 1);
    body.copy(frame, GRPC_HEADER);
    this.request.write(frame);
  }

  close() {
    this.closed = true;
    try {
      this.request.close(constants.NGHTTP2_CANCEL);
    } catch { /* already closed */ }
    this.session.close();
  }
}
