/**
 * What a hub's in-memory caches hear of changes made by other hubs (issue 18): a store that changes
 * a cached row calls `changes.notify(tx, channel, key)` inside the unit of work that changes it, and
 * a cache `subscribe`s to forget that key. On PostgreSQL this is db/change-feed.ts (NOTIFY, delivered
 * only if the transaction commits; one LISTEN connection per hub, started when the app is ready).
 * On SQLite one hub owns the file, so there is no one else to tell: both are no-ops there.
 */
import type { ChangeFeed } from './change-feed';
import { listenForChanges, notifyChange } from './change-feed';
import type { Pg } from './postgres';
import type { Sql } from './sql';

export interface ChangeHandlers {
  /** Another hub (or this one) changed `key`: forget it. */
  onChange(key: string): void;
  /** Changes may have been missed (the feed (re)connected): forget everything. */
  onReset(): void;
}

export interface Changes {
  /** True when other hubs hear what this one notifies (PostgreSQL); false on SQLite (one hub). */
  readonly shared: boolean;
  notify(tx: Sql, channel: string, key: string | number): Promise<void>;
  subscribe(channel: string, handlers: ChangeHandlers): void;
  /**
   * Resolves once this hub has heard (and its caches have forgotten) every change committed before
   * the call: on PostgreSQL a notice of its own sent round the feed (notices come in commit order);
   * at once on SQLite, or before the feed starts. What a test waits for before it relies on a cache.
   */
  heard(): Promise<void>;
  /** Starts listening (PostgreSQL); subscriptions must be made before. */
  start(): void;
  stop(): Promise<void>;
}

export const noChanges: Changes = {
  shared: false,
  notify: async () => undefined,
  subscribe: () => undefined,
  heard: async () => undefined,
  start: () => undefined,
  stop: async () => undefined,
};

/** The channel of `heard`'s own notices (every hub hears them; only the sender waits for its token). */
const HEARD_CHANNEL = 'tsunagu_heard';

export function postgresChanges(pg: Pg, options: { retryMs?: number } = {}): Changes {
  const subscribers = new Map<string, ChangeHandlers[]>();
  let feed: ChangeFeed | null = null;
  const waiting = new Map<string, () => void>();
  let sent = 0;
  const hear = (token: string) => {
    waiting.get(token)?.();
    waiting.delete(token);
  };
  // Everything was forgotten (the feed reconnected) or nothing more will come (stopped).
  const hearAll = () => {
    for (const token of [...waiting.keys()]) hear(token);
  };
  return {
    shared: true,
    async notify(tx, channel, key) {
      await tx.get('SELECT pg_notify(?, ?)', [channel, String(key)]);
    },
    subscribe(channel, handlers) {
      if (feed) throw new Error(`subscribe to ${channel} before the change feed starts`);
      subscribers.set(channel, [...(subscribers.get(channel) ?? []), handlers]);
    },
    heard() {
      if (!feed) return Promise.resolve();
      const token = `${process.pid}:${++sent}:${Math.random()}`;
      return new Promise<void>((resolve, reject) => {
        waiting.set(token, resolve);
        notifyChange(pg, HEARD_CHANNEL, token).catch((err: unknown) => {
          waiting.delete(token);
          reject(err);
        });
      });
    },
    start() {
      if (feed || subscribers.size === 0) return;
      feed = listenForChanges(
        pg,
        [...subscribers.keys(), HEARD_CHANNEL],
        {
          onChange(channel, key) {
            if (channel === HEARD_CHANNEL) return hear(key);
            for (const h of subscribers.get(channel) ?? []) h.onChange(key);
          },
          onReset() {
            for (const list of subscribers.values()) for (const h of list) h.onReset();
            hearAll();
          },
        },
        options,
      );
    },
    async stop() {
      await feed?.stop();
      hearAll();
    },
  };
}
