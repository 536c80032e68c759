// An h2c request from node:http2's compatibility API as the DownstreamRequest an HttpStream reads
// (HTTP/2 stays on node:http2; its response, Http2ServerResponse, is a DownstreamResponse as is).

import type { Http2ServerRequest } from 'node:http2';
import type { HeaderMap } from '../config/request-view.js';
import type { DownstreamRequest } from './downstream.js';

export function http2Request(req: Http2ServerRequest): DownstreamRequest {
  return {
    // Read now: node's HTTP/2 request reads method and path from the pseudo-headers the stream drops.
    method: req.method,
    url: req.url,
    headers: req.headers as HeaderMap,
    hopByHopStripped: false,
    httpVersion: '2.0',
    httpVersionMajor: 2,
    headerCount: req.rawHeaders.length >> 1,
    hasBody: !req.stream.endAfterHeaders,
    socket: req.socket,
    body: req,
  };
}
