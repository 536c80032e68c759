// envoy.service.discovery.v3.AggregatedDiscoveryService for @grpc/grpc-js, with serializers built
// on the codec: a server registers it with server.addService(adsServiceDefinition, handlers); a
// client opens a stream with openAdsStream(). Only state-of-the-world StreamAggregatedResources is
// defined: grpc-js answers the delta method with UNIMPLEMENTED, which xDS clients handle.

import * as grpc from '@grpc/grpc-js';
import {
  type DiscoveryRequest,
  type DiscoveryRequestInit,
  type DiscoveryResponse,
  decodeDiscoveryRequest,
  decodeDiscoveryResponse,
  encodeDiscoveryRequest,
  encodeDiscoveryResponse,
} from './discovery.js';

export const ADS_SERVICE_NAME = 'envoy.service.discovery.v3.AggregatedDiscoveryService';
export const ADS_METHOD_PATH = `/${ADS_SERVICE_NAME}/StreamAggregatedResources`;

export const adsServiceDefinition = {
  StreamAggregatedResources: {
    path: ADS_METHOD_PATH,
    requestStream: true,
    responseStream: true,
    requestSerialize: (request: DiscoveryRequestInit) => encodeDiscoveryRequest(request),
    requestDeserialize: (bytes: Buffer) => decodeDiscoveryRequest(bytes),
    responseSerialize: (response: DiscoveryResponse) => encodeDiscoveryResponse(response),
    responseDeserialize: (bytes: Buffer) => decodeDiscoveryResponse(bytes),
    originalName: 'streamAggregatedResources',
  },
} satisfies grpc.ServiceDefinition;

/** The server side of one ADS stream. */
export type AdsServerStream = grpc.ServerDuplexStream<DiscoveryRequest, DiscoveryResponse>;
/** The client side of one ADS stream: write requests, read responses. */
export type AdsClientStream = grpc.ClientDuplexStream<DiscoveryRequestInit, DiscoveryResponse>;

export interface AdsServiceHandlers extends grpc.UntypedServiceImplementation {
  StreamAggregatedResources: grpc.handleBidiStreamingCall<DiscoveryRequest, DiscoveryResponse>;
}

/** A grpc-js client class for the service (makeGenericClientConstructor), for callers that want one. */
export const AdsClient = grpc.makeGenericClientConstructor(adsServiceDefinition, 'AggregatedDiscoveryService');

/** Envoy's default HTTP/2 stream and connection windows (256 MiB). */
const ENVOY_FLOW_CONTROL_WINDOW = 256 * 1024 * 1024;

/**
 * A plain channel to an ADS server; `address` is `host:port`. Insecure unless credentials are
 * given. Responses may be any size (grpc-js would stop at 4 MiB; a large mesh's CDS is bigger),
 * and the HTTP/2 windows are Envoy's, so a large response is not paced by WINDOW_UPDATE round
 * trips (node's default window is 64 KiB, smaller than one sidecar's route configuration).
 */
export function createAdsClient(address: string, credentials: grpc.ChannelCredentials = grpc.credentials.createInsecure(), options?: grpc.ChannelOptions): grpc.Client {
  return new grpc.Client(address, credentials, {
    'grpc.max_receive_message_length': -1,
    'grpc-node.flow_control_window': ENVOY_FLOW_CONTROL_WINDOW,
    ...options,
  });
}

/** Opens a StreamAggregatedResources stream on a client. */
export function openAdsStream(client: grpc.Client, metadata: grpc.Metadata = new grpc.Metadata(), options?: grpc.CallOptions): AdsClientStream {
  const def = adsServiceDefinition.StreamAggregatedResources;
  return client.makeBidiStreamRequest(ADS_METHOD_PATH, def.requestSerialize, def.responseDeserialize, metadata, options ?? {});
}
