// Istio-shaped Envoy resources in canonical proto3 JSON (snake_case, defaults left out), modelled
// on what istiod generates for Bookinfo. Encoding then decoding each must give it back unchanged.

import { TYPE_URL } from '../type-urls.js';

const ads = { ads: {}, initial_fetch_timeout: '0s', resource_api_version: 'V3' };
const sdsConfig = {
  api_config_source: {
    api_type: 'GRPC',
    transport_api_version: 'V3',
    grpc_services: [{ envoy_grpc: { cluster_name: 'sds-grpc' } }],
    set_node_on_first_message_only: true,
  },
  initial_fetch_timeout: '0s',
  resource_api_version: 'V3',
};

export const outboundHttpListener = {
  name: '0.0.0.0_9080',
  address: { socket_address: { address: '0.0.0.0', port_value: 9080 } },
  filter_chains: [
    {
      filter_chain_match: { transport_protocol: 'raw_buffer', application_protocols: ['http/1.1', 'h2c'] },
      filters: [
        {
          name: 'envoy.filters.network.http_connection_manager',
          typed_config: {
            '@type': TYPE_URL.HTTP_CONNECTION_MANAGER,
            stat_prefix: 'outbound_0.0.0.0_9080',
            rds: { config_source: ads, route_config_name: '9080' },
            http_filters: [
              {
                name: 'envoy.filters.http.grpc_stats',
                typed_config: { '@type': TYPE_URL.GRPC_STATS, emit_filter_state: true, stats_for_all_methods: false },
              },
              { name: 'envoy.filters.http.fault', typed_config: { '@type': TYPE_URL.HTTP_FAULT } },
              { name: 'envoy.filters.http.cors', typed_config: { '@type': TYPE_URL.CORS } },
              {
                name: 'istio.stats',
                typed_config: {
                  '@type': TYPE_URL.UDPA_TYPED_STRUCT,
                  type_url: 'type.googleapis.com/stats.PluginConfig',
                  value: { reporter: 'CLIENT', disable_host_header_fallback: true },
                },
              },
              { name: 'envoy.filters.http.router', typed_config: { '@type': TYPE_URL.ROUTER } },
            ],
            tracing: { client_sampling: { value: 100 }, random_sampling: { value: 1 }, overall_sampling: { value: 100 } },
            access_log: [
              {
                name: 'envoy.access_loggers.file',
                typed_config: {
                  '@type': TYPE_URL.FILE_ACCESS_LOG,
                  path: '/dev/stdout',
                  log_format: { text_format_source: { inline_string: '[%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%" %RESPONSE_CODE% %RESPONSE_FLAGS%\n' } },
                },
              },
            ],
            use_remote_address: false,
            upgrade_configs: [{ upgrade_type: 'websocket' }],
            stream_idle_timeout: '0s',
            normalize_path: true,
            path_with_escaped_slashes_action: 'KEEP_UNCHANGED',
          },
        },
      ],
    },
  ],
  listener_filters: [
    { name: 'envoy.filters.listener.tls_inspector', typed_config: { '@type': TYPE_URL.TLS_INSPECTOR } },
    { name: 'envoy.filters.listener.http_inspector', typed_config: { '@type': TYPE_URL.HTTP_INSPECTOR } },
  ],
  listener_filters_timeout: '0s',
  continue_on_listener_filters_timeout: true,
  traffic_direction: 'OUTBOUND',
  bind_to_port: false,
};

export const virtualOutboundListener = {
  name: 'virtualOutbound',
  address: { socket_address: { address: '0.0.0.0', port_value: 15001 } },
  filter_chains: [
    {
      filters: [
        {
          name: 'envoy.filters.network.tcp_proxy',
          typed_config: {
            '@type': TYPE_URL.TCP_PROXY,
            stat_prefix: 'PassthroughCluster',
            cluster: 'PassthroughCluster',
            access_log: [{ name: 'envoy.access_loggers.file', typed_config: { '@type': TYPE_URL.FILE_ACCESS_LOG, path: '/dev/stdout' } }],
          },
        },
      ],
      name: 'virtualOutbound-catchall-tcp',
    },
  ],
  use_original_dst: true,
  listener_filters: [{ name: 'envoy.filters.listener.original_dst', typed_config: { '@type': TYPE_URL.ORIGINAL_DST } }],
  traffic_direction: 'OUTBOUND',
};

export const inboundMtlsListener = {
  name: 'virtualInbound',
  address: { socket_address: { address: '0.0.0.0', port_value: 15006 } },
  filter_chains: [
    {
      filter_chain_match: { destination_port: 9080, transport_protocol: 'tls', application_protocols: ['istio-http/1.0', 'istio-http/1.1', 'istio-h2'] },
      filters: [
        {
          name: 'envoy.filters.network.http_connection_manager',
          typed_config: {
            '@type': TYPE_URL.HTTP_CONNECTION_MANAGER,
            stat_prefix: 'inbound_0.0.0.0_9080',
            route_config: {
              name: 'inbound|9080||',
              virtual_hosts: [
                {
                  name: 'inbound|http|9080',
                  domains: ['*'],
                  routes: [
                    {
                      match: { prefix: '/' },
                      route: { cluster: 'inbound|9080||', timeout: '0s', max_stream_duration: { max_stream_duration: '0s', grpc_timeout_header_max: '0s' } },
                      decorator: { operation: 'reviews.default.svc.cluster.local:9080/*' },
                      name: 'default',
                    },
                  ],
                },
              ],
              validate_clusters: false,
            },
            http_filters: [
              {
                name: 'envoy.filters.http.jwt_authn',
                typed_config: {
                  '@type': TYPE_URL.JWT_AUTHN,
                  providers: {
                    'origins-0': {
                      issuer: 'testing@secure.istio.io',
                      local_jwks: { inline_string: '{"keys":[]}' },
                      forward: true,
                      payload_in_metadata: 'testing@secure.istio.io',
                    },
                  },
                  rules: [{ match: { prefix: '/' }, requires: { requires_any: { requirements: [{ provider_name: 'origins-0' }, { allow_missing: {} }] } } }],
                  bypass_cors_preflight: true,
                },
              },
              {
                name: 'envoy.filters.http.rbac',
                typed_config: {
                  '@type': TYPE_URL.HTTP_RBAC,
                  rules: {
                    policies: {
                      'ns[default]-policy[reviews-viewer]-rule[0]': {
                        permissions: [{ and_rules: { rules: [{ or_rules: { rules: [{ header: { name: ':method', string_match: { exact: 'GET' } } }] } }] } }],
                        principals: [
                          {
                            and_ids: {
                              ids: [
                                { or_ids: { ids: [{ authenticated: { principal_name: { exact: 'spiffe://cluster.local/ns/default/sa/bookinfo-productpage' } } }] } },
                              ],
                            },
                          },
                        ],
                      },
                    },
                  },
                  shadow_rules_stat_prefix: 'istio_dry_run_allow_',
                },
              },
              { name: 'envoy.filters.http.router', typed_config: { '@type': TYPE_URL.ROUTER } },
            ],
            forward_client_cert_details: 'APPEND_FORWARD',
            set_current_client_cert_details: { subject: true, dns: true, uri: true },
          },
        },
      ],
      transport_socket: {
        name: 'envoy.transport_sockets.tls',
        typed_config: {
          '@type': TYPE_URL.DOWNSTREAM_TLS_CONTEXT,
          common_tls_context: {
            tls_params: { tls_minimum_protocol_version: 'TLSv1_2', tls_maximum_protocol_version: 'TLSv1_3', cipher_suites: ['ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES256-GCM-SHA384'] },
            alpn_protocols: ['h2', 'http/1.1'],
            tls_certificate_sds_secret_configs: [{ name: 'default', sds_config: sdsConfig }],
            combined_validation_context: {
              default_validation_context: {},
              validation_context_sds_secret_config: { name: 'ROOTCA', sds_config: sdsConfig },
            },
          },
          require_client_certificate: true,
        },
      },
      name: '0.0.0.0_9080',
    },
  ],
  listener_filters: [{ name: 'envoy.filters.listener.original_dst', typed_config: { '@type': TYPE_URL.ORIGINAL_DST } }],
  traffic_direction: 'INBOUND',
};

export const routeConfiguration = {
  name: '9080',
  virtual_hosts: [
    {
      name: 'reviews.default.svc.cluster.local:9080',
      domains: ['reviews.default.svc.cluster.local', 'reviews', 'reviews.default.svc', 'reviews.default', '10.96.88.12'],
      routes: [
        {
          match: { prefix: '/', case_sensitive: true, headers: [{ name: 'end-user', string_match: { exact: 'jason' } }] },
          route: {
            cluster: 'outbound|9080|v2|reviews.default.svc.cluster.local',
            timeout: '0s',
            retry_policy: {
              retry_on: 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes',
              num_retries: 2,
              retry_host_predicate: [{ name: 'envoy.retry_host_predicates.previous_hosts', typed_config: { '@type': TYPE_URL.PREVIOUS_HOSTS_PREDICATE } }],
              host_selection_retry_max_attempts: '5',
              retriable_status_codes: [503],
            },
            max_grpc_timeout: '0s',
          },
          metadata: { filter_metadata: { istio: { config: '/apis/networking.istio.io/v1/namespaces/default/virtual-service/reviews' } } },
          decorator: { operation: 'reviews.default.svc.cluster.local:9080/*' },
          name: 'jason',
        },
        {
          match: { safe_regex: { regex: '/api/v1/products/\\d+' } },
          route: {
            weighted_clusters: {
              clusters: [
                { name: 'outbound|9080|v1|reviews.default.svc.cluster.local', weight: 75 },
                { name: 'outbound|9080|v3|reviews.default.svc.cluster.local', weight: 25 },
              ],
            },
            timeout: '0.500s',
            retry_policy: { retry_on: '5xx,gateway-error', num_retries: 3, per_try_timeout: '0.250s' },
            request_mirror_policies: [
              { cluster: 'outbound|9080|v1|ratings.default.svc.cluster.local', runtime_fraction: { default_value: { numerator: 50 } }, trace_sampled: false },
            ],
          },
          typed_per_filter_config: {
            'envoy.filters.http.fault': {
              '@type': TYPE_URL.HTTP_FAULT,
              delay: { fixed_delay: '7s', percentage: { numerator: 100, denominator: 'MILLION' } },
              abort: { http_status: 500, percentage: { numerator: 10 } },
            },
          },
        },
        {
          match: { path: '/health' },
          direct_response: { status: 200, body: { inline_string: 'ok' } },
        },
        {
          match: { prefix: '/old' },
          redirect: { path_redirect: '/new', response_code: 'PERMANENT_REDIRECT' },
        },
      ],
      include_request_attempt_count: true,
    },
    {
      name: 'allow_any',
      domains: ['*'],
      routes: [{ match: { prefix: '/' }, route: { cluster: 'PassthroughCluster', timeout: '0s', max_grpc_timeout: '0s' }, name: 'allow_any' }],
      include_request_attempt_count: true,
    },
  ],
  validate_clusters: false,
  max_direct_response_body_size_bytes: 1048576,
  ignore_port_in_host_matching: true,
};

export const outboundCluster = {
  name: 'outbound|9080|v1|reviews.default.svc.cluster.local',
  type: 'EDS',
  eds_cluster_config: { eds_config: ads, service_name: 'outbound|9080|v1|reviews.default.svc.cluster.local' },
  connect_timeout: '10s',
  lb_policy: 'LEAST_REQUEST',
  circuit_breakers: {
    thresholds: [
      { max_connections: 4294967295, max_pending_requests: 4294967295, max_requests: 4294967295, max_retries: 4294967295, track_remaining: true },
    ],
  },
  outlier_detection: {
    consecutive_5xx: 7,
    interval: '300s',
    base_ejection_time: '900s',
    max_ejection_percent: 100,
    enforcing_consecutive_5xx: 100,
    enforcing_success_rate: 0,
    consecutive_gateway_failure: 0,
    enforcing_consecutive_gateway_failure: 0,
  },
  transport_socket: {
    name: 'envoy.transport_sockets.tls',
    typed_config: {
      '@type': TYPE_URL.UPSTREAM_TLS_CONTEXT,
      common_tls_context: {
        tls_params: { tls_minimum_protocol_version: 'TLSv1_2', tls_maximum_protocol_version: 'TLSv1_3' },
        alpn_protocols: ['istio-peer-exchange', 'istio'],
        tls_certificate_sds_secret_configs: [{ name: 'default', sds_config: sdsConfig }],
        combined_validation_context: {
          default_validation_context: {
            match_typed_subject_alt_names: [{ san_type: 'URI', matcher: { exact: 'spiffe://cluster.local/ns/default/sa/bookinfo-reviews' } }],
          },
          validation_context_sds_secret_config: { name: 'ROOTCA', sds_config: sdsConfig },
        },
      },
      sni: 'outbound_.9080_.v1_.reviews.default.svc.cluster.local',
    },
  },
  metadata: {
    filter_metadata: {
      istio: {
        config: '/apis/networking.istio.io/v1/namespaces/default/destination-rule/reviews',
        default_original_port: 9080,
        services: [{ host: 'reviews.default.svc.cluster.local', name: 'reviews', namespace: 'default' }],
        subset: 'v1',
      },
    },
  },
  common_lb_config: { locality_weighted_lb_config: {} },
  typed_extension_protocol_options: {
    'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
      '@type': TYPE_URL.HTTP_PROTOCOL_OPTIONS,
      common_http_protocol_options: { idle_timeout: '3600s', max_requests_per_connection: 1024 },
      use_downstream_protocol_config: { http_protocol_options: {}, http2_protocol_options: {} },
    },
  },
};

export const ringHashCluster = {
  name: 'outbound|9080||ratings.default.svc.cluster.local',
  type: 'EDS',
  eds_cluster_config: { eds_config: ads, service_name: 'outbound|9080||ratings.default.svc.cluster.local' },
  connect_timeout: '0.250s',
  lb_policy: 'RING_HASH',
  ring_hash_lb_config: { minimum_ring_size: '1024', maximum_ring_size: '8388608' },
  load_balancing_policy: {
    policies: [
      {
        typed_extension_config: {
          name: 'envoy.load_balancing_policies.maglev',
          typed_config: { '@type': TYPE_URL.MAGLEV, table_size: '65537' },
        },
      },
    ],
  },
};

export const clusterLoadAssignment = {
  cluster_name: 'outbound|9080|v1|reviews.default.svc.cluster.local',
  endpoints: [
    {
      locality: { region: 'us-east1', zone: 'us-east1-b' },
      lb_endpoints: [
        {
          endpoint: { address: { socket_address: { address: '10.0.0.12', port_value: 9080 } }, health_check_config: {} },
          health_status: 'HEALTHY',
          metadata: {
            filter_metadata: {
              'envoy.transport_socket_match': { tlsMode: 'istio' },
              istio: { workload: 'reviews-v1;default;reviews;v1;Kubernetes' },
            },
          },
          load_balancing_weight: 1,
        },
        {
          endpoint: { address: { socket_address: { address: '10.0.0.13', port_value: 9080 } } },
          health_status: 'UNHEALTHY',
          load_balancing_weight: 1,
        },
      ],
      load_balancing_weight: 2,
    },
    {
      locality: {},
      lb_endpoints: [{ endpoint: { address: { socket_address: { address: '10.0.1.4', port_value: 9080 } } }, health_status: 'DRAINING', load_balancing_weight: 1 }],
      load_balancing_weight: 1,
      priority: 1,
    },
  ],
  policy: { overprovisioning_factor: 140 },
};

export const secret = {
  name: 'default',
  tls_certificate: {
    certificate_chain: { inline_bytes: Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n').toString('base64') },
    private_key: { inline_bytes: Buffer.from('-----BEGIN EC PRIVATE KEY-----\nMHcC\n-----END EC PRIVATE KEY-----\n').toString('base64') },
  },
};
