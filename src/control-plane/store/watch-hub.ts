// Fans store changes out to watchers and keeps a bounded history of recent events so a watcher can
// resume from a resourceVersion (the Kubernetes watch cache's job). Older versions are Expired
// (410), and the client relists, as kubectl and informers do.
import type { WatchEvent, WatchListener } from './config-store.js';
import { StoreError, badRequest } from './store-error.js';

export class WatchHub {
  private readonly listeners = new Set<WatchListener>();
  private readonly history: WatchEvent[] = [];
  /** Every event with a resourceVersion above this one is still in `history`. */
  private historyFloor: number;

  constructor(startResourceVersion: number, private readonly limit: number, private readonly log: (message: string) => void) {
    this.historyFloor = startResourceVersion;
  }

  emit(event: WatchEvent): void {
    this.history.push(event);
    if (this.history.length > this.limit) {
      const dropped = this.history.shift()!;
      this.historyFloor = Number(dropped.object.metadata.resourceVersion);
    }
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (e) {
        // One broken watcher must not stop the others or fail the write that caused the event.
        this.log(`config store: a watch listener failed on ${event.type} ${event.object.kind} ${event.object.metadata.name}: ${(e as Error).stack ?? e}`);
      }
    }
  }

  subscribe(listener: WatchListener, currentResourceVersion: number, fromResourceVersion?: string): () => void {
    const replay = fromResourceVersion === undefined ? [] : this.eventsAfter(fromResourceVersion, currentResourceVersion);
    const entry: WatchListener = (e) => listener(e);
    this.listeners.add(entry);
    for (const event of replay) listener(event);
    return () => { this.listeners.delete(entry); };
  }

  private eventsAfter(from: string, current: number): WatchEvent[] {
    if (!/^\d+$/.test(from)) throw badRequest(`invalid resourceVersion "${from}": expected a number`);
    const rv = Number(from);
    if (rv > current) throw badRequest(`resourceVersion ${rv} is newer than the store's ${current}`);
    if (rv < this.historyFloor) {
      throw new StoreError('Expired', `too old resource version: ${rv} (${this.historyFloor})`);
    }
    return this.history.filter((e) => Number(e.object.metadata.resourceVersion) > rv);
  }
}
