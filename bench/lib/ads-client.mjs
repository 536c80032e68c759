// One simulated sidecar on a state-of-the-world ADS stream, subscribing as Envoy does: CDS
// (wildcard), then EDS for the EDS clusters it got, then LDS (wildcard), then RDS for the route
// configurations its HTTP connection managers name. Every response is decoded and ACKed (a
// resource that does not decode is NACKed, as Envoy would), and every ACK is recorded with the
// time it was sent, so the fleet can tell when a change reached this proxy.
import { performance } from 'node:perf_hooks';
import { AdsWireStream } from './ads-wire-stream.mjs';

/** Route and cluster names found in resources, cached by the resource's bytes: 1,000 proxies get the same resources. */
const namesCache = new Map();
const NAMES_CACHE_LIMIT = 20_000;
/** Route and endpoint resources already checked to decode (see namesIn). */
const checkedCache = new Set();
const NO_NAMES = Object.freeze([]);

export class AdsProxy {
  /**
   * @param xds the compiled src/xds module (encode/decodeDiscovery*, decodeResource, ADS_METHOD_PATH, TYPE_URL)
   */
  constructor({ xds, address, nodeId, namespace, onActivity }) {
    this.xds = xds;
    this.address = address;
    this.nodeId = nodeId;
    this.namespace = namespace;
    this.onActivity = onActivity;
    /** typeUrl → { version, nonce, names (sorted, named watches only), acked: count } */
    this.types = new Map();
    /** { at (performance.now() ms), typeUrl, version } for every ACK sent. */
    this.acks = [];
    this.nacks = [];
    this.sentNode = false;
    this.closed = false;
    this.streamError = undefined;
    this.ldsRequested = false;
  }

  get T() {
    return this.xds.TYPE_URL;
  }

  connect() {
    // Its own HTTP/2 connection, as each Envoy has (see ads-wire-stream.mjs for why not grpc-js).
    this.stream = new AdsWireStream(this.xds, this.address);
    this.stream.on('data', (response) => this.onResponse(response));
    this.stream.on('error', (e) => {
      if (!this.closed) this.streamError = e.message;
    });
    this.stream.on('end', () => {
      if (!this.closed) this.streamError ??= 'the server ended the stream';
    });
    this.request(this.T.CLUSTER, []);
  }

  /** Sends a DiscoveryRequest for a type with the current version/nonce and the given names. */
  request(typeUrl, names) {
    const state = this.types.get(typeUrl) ?? { version: '', nonce: '', names: [], acked: 0 };
    state.names = names;
    this.types.set(typeUrl, state);
    this.write({ type_url: typeUrl, version_info: state.version, response_nonce: state.nonce, resource_names: names });
  }

  write(request) {
    if (!this.sentNode) {
      request.node = {
        id: this.nodeId,
        cluster: `bench-client.${this.namespace}`,
        metadata: { NAMESPACE: this.namespace, LABELS: { app: 'bench-client' }, ISTIO_VERSION: '1.24.0' },
        user_agent_name: 'skiff-bench',
      };
      this.sentNode = true;
    }
    this.stream.write(request);
  }

  onResponse(response) {
    this.onActivity();
    const typeUrl = response.type_url;
    const state = this.types.get(typeUrl) ?? { version: '', nonce: '', names: [], acked: 0 };
    this.types.set(typeUrl, state);
    let found;
    try {
      found = this.namesIn(typeUrl, response.resources, response.version_info);
    } catch (e) {
      // NACK: keep the last good version, name the nonce rejected.
      this.nacks.push({ typeUrl, version: response.version_info, message: e.message });
      state.nonce = response.nonce;
      this.write({ type_url: typeUrl, version_info: state.version, response_nonce: response.nonce, resource_names: state.names, error_detail: { code: 3, message: e.message } });
      return;
    }
    state.version = response.version_info;
    state.nonce = response.nonce;
    state.acked += 1;
    this.write({ type_url: typeUrl, version_info: state.version, response_nonce: state.nonce, resource_names: state.names });
    this.acks.push({ at: performance.now(), typeUrl, version: state.version });

    // Envoy's order: clusters (and their endpoints) before listeners (and their routes).
    if (typeUrl === this.T.CLUSTER) {
      this.follow(this.T.CLUSTER_LOAD_ASSIGNMENT, found);
      if (found.length === 0) this.requestListeners();
    } else if (typeUrl === this.T.CLUSTER_LOAD_ASSIGNMENT) {
      this.requestListeners();
    } else if (typeUrl === this.T.LISTENER) {
      this.follow(this.T.ROUTE_CONFIGURATION, found);
    }
  }

  requestListeners() {
    if (this.ldsRequested) return;
    this.ldsRequested = true;
    this.request(this.T.LISTENER, []);
  }

  /** Updates a named watch (EDS from CDS, RDS from LDS) when the set of names changed. */
  follow(typeUrl, names) {
    const current = this.types.get(typeUrl)?.names;
    if (current && current.length === names.length && current.every((n, i) => n === names[i])) return;
    if (!current && names.length === 0) return;
    this.request(typeUrl, names);
  }

  /**
   * EDS service names from clusters, RDS names from listeners; nothing to follow for other types.
   * A CDS or LDS resource is decoded once per distinct bytes (the names depend on them). Routes and
   * endpoints are only checked to decode: once per (type, version, name, size), since a thousand
   * proxies get the same bytes and copying each 50 KB route configuration into a key would make
   * the load generator, not the control plane, the thing measured.
   */
  namesIn(typeUrl, resources, version) {
    if (typeUrl !== this.T.CLUSTER && typeUrl !== this.T.LISTENER) {
      for (const r of resources) {
        const key = `${typeUrl}\0${version}\0${r.value.byteLength}\0${Buffer.from(r.value.buffer, r.value.byteOffset, Math.min(r.value.byteLength, 128)).toString('latin1')}`;
        if (!checkedCache.has(key)) {
          this.xds.decodeResource(typeUrl, r.value);
          if (checkedCache.size >= NAMES_CACHE_LIMIT) checkedCache.clear();
          checkedCache.add(key);
        }
      }
      return NO_NAMES;
    }
    const names = new Set();
    for (const r of resources) {
      const found = this.decodeCached(typeUrl, r.value, (json) => (typeUrl === this.T.CLUSTER ? edsNames(json) : rdsNames(json)));
      for (const n of found) names.add(n);
    }
    // Frozen: the request encoder keeps a frozen list's bytes for every ACK that repeats it.
    return Object.freeze([...names].sort());
  }

  decodeCached(typeUrl, bytes, extract) {
    const key = `${typeUrl}\0${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1')}`;
    let names = namesCache.get(key);
    if (!names) {
      names = extract(this.xds.decodeResource(typeUrl, bytes));
      if (namesCache.size >= NAMES_CACHE_LIMIT) namesCache.clear();
      namesCache.set(key, names);
    }
    return names;
  }

  /** True once this proxy ACKed clusters and listeners, and endpoints/routes where it watches them. */
  synced() {
    if (this.streamError) return false;
    for (const t of [this.T.CLUSTER, this.T.LISTENER]) if (!(this.types.get(t)?.acked > 0)) return false;
    for (const t of [this.T.CLUSTER_LOAD_ASSIGNMENT, this.T.ROUTE_CONFIGURATION]) {
      const s = this.types.get(t);
      if (s && s.names.length > 0 && !(s.acked > 0)) return false;
    }
    return true;
  }

  /** The version last ACKed per type. */
  versions() {
    return new Map([...this.types].map(([t, s]) => [t, s.version]));
  }

  close() {
    this.closed = true;
    this.stream?.close();
  }
}

function edsNames(cluster) {
  const type = cluster.type ?? 'STATIC';
  if (type !== 'EDS') return [];
  return [cluster.eds_cluster_config?.service_name || cluster.name];
}

function rdsNames(listener) {
  const out = [];
  const chains = [...(listener.filter_chains ?? []), ...(listener.default_filter_chain ? [listener.default_filter_chain] : [])];
  for (const chain of chains) {
    for (const filter of chain.filters ?? []) {
      const name = filter.typed_config?.rds?.route_config_name;
      if (name) out.push(name);
    }
  }
  return out;
}
