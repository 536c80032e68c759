// One proxy's ADS stream: what it watches per type, what was sent and acknowledged, and the
// decision for each incoming DiscoveryRequest (Istio's shouldRespond): a new or reconnecting
// watch and a change of subscribed names get a response; an ACK, a NACK and a request carrying an
// expired nonce do not.

import type { DiscoveryRequest, PackedAny } from '../../xds/index.js';
import { TYPE_URL } from '../../xds/index.js';
import type { AdsServerStream } from '../../xds/index.js';
import type { PushRequest } from '../model/push-builder.js';
import type { ConnectedProxy, PushSnapshot, XdsNack } from './ads-types.js';

/** Types whose empty resource_names on the first request mean "everything" (Envoy's wildcard). */
const WILDCARD_TYPES: ReadonlySet<string> = new Set([TYPE_URL.LISTENER, TYPE_URL.CLUSTER]);

export interface TypeWatch {
  readonly typeUrl: string;
  wildcard: boolean;
  /** Subscribed names, sorted, for named watches. */
  names: readonly string[];
  /**
   * The resource_names list of the last request, when the decoder shares it (a frozen list: ACKs
   * repeating the same names arrive as the same list), so a repeat is recognised without a look.
   */
  requested?: readonly string[];
  nonceSent?: string;
  versionSent?: string;
  nonceAcked?: string;
  versionAcked?: string;
  lastNack?: XdsNack;
  /** Digest of the resources last sent, to skip pushing an unchanged set. */
  digest?: string;
  resourcesSent: number;
  lastSentAt?: Date;
  generateError?: string;
  /** The resources of the last response sent, encoded as sent (for /debug/config_dump). */
  sent?: readonly SentResource[];
}

export interface SentResource {
  readonly name: string;
  readonly resource: PackedAny;
}

export type RequestDecision =
  | { readonly kind: 'respond'; readonly reason: 'new' | 'reconnect' | 'names changed' }
  | { readonly kind: 'ack'; readonly nonce: string }
  | { readonly kind: 'nack'; readonly nack: XdsNack }
  | { readonly kind: 'stale'; readonly nonce: string; readonly expected: string | undefined };

/** Push rounds remembered per proxy while waiting for ACKs. */
const MAX_TRACKED_PUSHES = 16;

function normalizeNames(names: readonly string[]): readonly string[] {
  // Envoy sends its names sorted and unique, and repeats them on every ACK: keep them as they are.
  let ordered = true;
  for (let i = 1; i < names.length && ordered; i++) ordered = names[i - 1]! < names[i]!;
  return ordered ? names : [...new Set(names)].sort();
}

/**
 * One list object per distinct subscription, across connections: a thousand sidecars subscribe to
 * the same EDS and RDS names, and what the server and generators derive from a list (its key, its
 * set, the resources filtered by it) is kept by the list's identity. Lists nobody holds any more
 * drop out of the table.
 */
const internedNames = new Map<string, WeakRef<readonly string[]>>();
const forgetNames = new FinalizationRegistry<string>((key) => {
  if (internedNames.get(key)?.deref() === undefined) internedNames.delete(key);
});

/** Frozen lists (the request decoder shares them) → their interned list, without a key. */
const internedByList = new WeakMap<readonly string[], readonly string[]>();

function internNames(names: readonly string[]): readonly string[] {
  const byList = internedByList.get(names);
  if (byList) return byList;
  const key = JSON.stringify(names);
  let list = internedNames.get(key)?.deref();
  if (!list) {
    list = Object.freeze([...names]);
    internedNames.set(key, new WeakRef(list));
    forgetNames.register(list, key);
  }
  if (Object.isFrozen(names)) internedByList.set(names, list);
  return list;
}

/** Whether every name of `part` is in `whole` (EDS subscriptions run to thousands of names). */
function isSubset(part: readonly string[], whole: readonly string[]): boolean {
  if (part.length > whole.length) return false;
  const all = new Set(whole);
  return part.every((n) => all.has(n));
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((n, i) => n === b[i]);
}

/** Pending convergence measurement: the responses of one push not yet acknowledged. */
export interface Convergence {
  readonly startedAt: number;
  readonly pending: Set<string>;
}

export class AdsConnection {
  readonly watches = new Map<string, TypeWatch>();
  /** Per-proxy push state, computed once per push snapshot. */
  state: { readonly push: PushSnapshot; readonly value: unknown } | undefined;
  /** A push this proxy has not been sent yet (pushes merge while it waits). */
  pendingPush: { readonly request: PushRequest; readonly startedAt: number } | undefined;
  /** Pushes sent but not yet fully acknowledged, oldest first. */
  readonly convergence: Convergence[] = [];
  closed = false;

  constructor(
    readonly proxy: ConnectedProxy,
    readonly stream: AdsServerStream,
  ) {}

  /** Updates the watch for the request's type and says whether the server must respond. */
  handleRequest(request: DiscoveryRequest, now: Date = new Date()): RequestDecision {
    const typeUrl = request.type_url;
    const watch = this.watches.get(typeUrl);
    if (request.error_detail) {
      // Envoy keeps running the version in version_info; a NACK never changes subscriptions.
      const nack: XdsNack = {
        nonce: request.response_nonce,
        versionInfo: request.version_info,
        code: request.error_detail.code,
        message: request.error_detail.message,
        at: now.toISOString(),
      };
      if (watch) watch.lastNack = nack;
      return { kind: 'nack', nack };
    }

    const requested = request.resource_names;
    const repeated = watch !== undefined && requested === watch.requested;
    const names = repeated ? watch.names : normalizeNames(requested);
    const explicitWildcard = !repeated && names.includes('*');

    if (!watch) {
      this.watches.set(typeUrl, {
        typeUrl,
        wildcard: explicitWildcard || (names.length === 0 && WILDCARD_TYPES.has(typeUrl)),
        names: internNames(explicitWildcard ? names.filter((n) => n !== '*') : names),
        ...(Object.isFrozen(requested) ? { requested } : {}),
        resourcesSent: 0,
        // A proxy coming back from another stream tells what it runs; keep it as acknowledged.
        ...(request.response_nonce !== '' ? { versionAcked: request.version_info } : {}),
      });
      return { kind: 'respond', reason: request.response_nonce === '' ? 'new' : 'reconnect' };
    }

    if (request.response_nonce === '' || watch.nonceSent === undefined) {
      // A fresh request on a watch we never answered (e.g. before the first push): re-subscribe.
      if (!repeated) this.updateNames(watch, requested, names, explicitWildcard);
      return { kind: 'respond', reason: request.response_nonce === '' ? 'new' : 'reconnect' };
    }

    if (request.response_nonce !== watch.nonceSent) {
      return { kind: 'stale', nonce: request.response_nonce, expected: watch.nonceSent };
    }

    watch.nonceAcked = request.response_nonce;
    watch.versionAcked = request.version_info;
    if (repeated) return { kind: 'ack', nonce: request.response_nonce };
    const before = watch.names;
    const wasWildcard = watch.wildcard;
    if (!this.updateNames(watch, requested, names, explicitWildcard) || (!watch.wildcard && watch.names.length === 0)) {
      return { kind: 'ack', nonce: request.response_nonce };
    }
    // Istio's rule: for a type that is not wildcard-capable (EDS, RDS, SDS), a subscription that
    // only lost names needs no response; the proxy already has every resource it still wants.
    if (!WILDCARD_TYPES.has(typeUrl) && !watch.wildcard && !wasWildcard && isSubset(watch.names, before)) {
      return { kind: 'ack', nonce: request.response_nonce };
    }
    return { kind: 'respond', reason: 'names changed' };
  }

  /** Returns whether the subscription changed. */
  private updateNames(watch: TypeWatch, requested: readonly string[], names: readonly string[], explicitWildcard: boolean): boolean {
    watch.requested = Object.isFrozen(requested) ? requested : undefined;
    const named = explicitWildcard ? names.filter((n) => n !== '*') : names;
    // Once wildcard, an empty list keeps it wildcard; a list of names turns it into a named watch.
    const wildcard = explicitWildcard || (watch.wildcard && named.length === 0);
    const changed = wildcard !== watch.wildcard || !sameNames(named, watch.names);
    watch.wildcard = wildcard;
    // An unchanged list stays the same object: generators and the server key work by it.
    if (!sameNames(named, watch.names)) watch.names = internNames(named);
    return changed;
  }

  /** Starts tracking a push round; old rounds a proxy never acknowledged are forgotten. */
  trackPush(round: Convergence): void {
    if (round.pending.size === 0) return;
    this.convergence.push(round);
    if (this.convergence.length > MAX_TRACKED_PUSHES) this.convergence.shift();
  }

  /**
   * Settles a sent nonce: accepted (ACKed, or ACKed late with an expired nonce: the proxy did run
   * that config) or rejected. Returns when the push it belonged to started, once every response of
   * that push was accepted.
   */
  settle(nonce: string, accepted: boolean): number | undefined {
    const i = this.convergence.findIndex((r) => r.pending.has(nonce));
    if (i < 0) return undefined;
    const round = this.convergence[i]!;
    if (!accepted) {
      this.convergence.splice(i, 1);
      return undefined;
    }
    round.pending.delete(nonce);
    if (round.pending.size > 0) return undefined;
    this.convergence.splice(i, 1);
    return round.startedAt;
  }

  recordSent(typeUrl: string, nonce: string, version: string, digest: string, count: number, now: Date = new Date()): void {
    const watch = this.watches.get(typeUrl);
    if (!watch) return;
    watch.nonceSent = nonce;
    watch.versionSent = version;
    watch.digest = digest;
    watch.resourcesSent = count;
    watch.lastSentAt = now;
    watch.generateError = undefined;
  }

  /** Keeps the resources of the response just recorded, as encoded, for config dumps. */
  recordSentResources(typeUrl: string, sent: readonly SentResource[]): void {
    const watch = this.watches.get(typeUrl);
    if (watch) watch.sent = sent;
  }
}
