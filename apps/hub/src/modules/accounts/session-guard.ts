/**
 * Whether a staff session is still live, asked before every socket command, so it must be cheap:
 * answers are cached until the session's expiry and given without waiting (a boolean); only a
 * session not in the cache waits for the store. The whole cache is dropped when the hub ends sessions
 * (`invalidate`: its own, or another hub's heard through the change feed) or, on SQLite, when another
 * process committed to the database (`changeMarker`: SQLite's `data_version`, e.g. `admin disable-user`).
 */
import type { Changes } from '../../db/changes';
import type { Sql } from '../../db/sql';
import type { Clock } from '../../lib/clock';
import type { SessionsEnded } from './service';
import { type AccountsStore, SESSIONS_CHANNEL } from './store';

export interface SessionGuard {
  /** True while the session is signed in, unexpired and its user enabled; `touch` slides its expiry (activity). */
  isLive(sessionId: number, touch: boolean): boolean | Promise<boolean>;
  /** Forget every cached answer: sessions have just ended. */
  invalidate(): void;
  /**
   * The earliest expiry still ahead among the cached sessions (to schedule the next check), or null.
   * Entries already past their expiry are dropped: the sweep that just ran asked the store about
   * their sockets, and a session nobody uses any more must not bring the next check forward forever.
   */
  nextExpiry(): number | null;
}

/** Writing the sliding expiry at most once a minute per session keeps busy sockets from writing on every command. */
const TOUCH_EVERY_MS = 60_000;
const MAX_CACHED = 10_000;

export function createSessionGuard(deps: {
  store: Pick<AccountsStore, 'liveSession' | 'touchSession'>;
  clock: Clock;
  idleMs: number;
  /** Moves when another process wrote to the database (SQLite); none on PostgreSQL (the change feed tells). */
  changeMarker?: () => number;
}): SessionGuard {
  const { store, clock, changeMarker } = deps;
  const cache = new Map<number, { expiresAt: number; touchedAt: number }>();
  let marker = changeMarker?.();
  // Bumped by every invalidate: a lookup that began before one must not cache what it read.
  let generation = 0;

  const touched = (sessionId: number, entry: { expiresAt: number; touchedAt: number }, touch: boolean) => {
    const now = clock.now();
    if (touch && now - entry.touchedAt > TOUCH_EVERY_MS) {
      entry.touchedAt = now;
      entry.expiresAt = now + deps.idleMs;
      void store.touchSession(sessionId, now, entry.expiresAt).catch(() => undefined);
    }
    return true;
  };

  async function lookUp(sessionId: number, touch: boolean): Promise<boolean> {
    const since = generation;
    const row = await store.liveSession(sessionId, clock.now());
    if (!row) {
      cache.delete(sessionId);
      return false;
    }
    const entry = { expiresAt: row.expiresAt, touchedAt: row.lastUsedAt };
    if (since === generation) cache.set(sessionId, entry);
    return touched(sessionId, entry, touch);
  }

  // The marker is read once per run of synchronous calls: a sweep asks about every staff socket in one
  // go (200 reads: about 1 ms on a quiet database, up to 27 ms of one sweep in a profiled bench run,
  // issue 17). A commit by another process seen a microtask later is one made a moment later.
  let markerNow: number | undefined; // read in this run; forgotten at its end
  const currentMarker = () => {
    if (!changeMarker) return undefined;
    if (markerNow === undefined) {
      markerNow = changeMarker();
      queueMicrotask(() => {
        markerNow = undefined;
      });
    }
    return markerNow;
  };

  return {
    isLive(sessionId, touch) {
      const m = currentMarker();
      if (m !== marker || cache.size > MAX_CACHED) {
        marker = m;
        cache.clear();
      }
      const entry = cache.get(sessionId);
      // An expiry passed in the cache may have been slid by a REST request since: ask the database.
      if (!entry || entry.expiresAt <= clock.now()) return lookUp(sessionId, touch);
      return touched(sessionId, entry, touch);
    },
    invalidate() {
      generation++;
      cache.clear();
    },
    nextExpiry() {
      const now = clock.now();
      let min: number | null = null;
      for (const [id, e] of cache) {
        if (e.expiresAt <= now) cache.delete(id);
        else if (min === null || e.expiresAt < min) min = e.expiresAt;
      }
      return min;
    },
  };
}

/** How often the hub looks for sessions ended by another process (real time: that process runs in it). */
export const SESSION_POLL_MS = 2_000;

/**
 * Runs `sweep` when a cached session expires (on the injected clock) and every `SESSION_POLL_MS`
 * of real time (another process may have disabled a user). Returns a function that stops both.
 */
export function scheduleSessionSweeps(deps: { clock: Clock; guard: SessionGuard; sweep: () => void }): () => void {
  const { clock, guard } = deps;
  let timer: ReturnType<Clock['setTimeout']> | null = null;
  let stopped = false;
  const run = () => {
    if (stopped) return;
    deps.sweep();
    const next = guard.nextExpiry();
    const wait = next === null ? 60_000 : Math.min(60_000, Math.max(1_000, next - clock.now() + 1));
    timer = clock.setTimeout(run, wait);
  };
  timer = clock.setTimeout(run, 60_000);
  const poll = setInterval(() => deps.sweep(), SESSION_POLL_MS);
  poll.unref();
  return () => {
    stopped = true;
    timer?.cancel();
    clearInterval(poll);
  };
}

/**
 * Sessions ended on any hub end on all of them: `end` closes this hub's sockets of those sessions
 * (and drops the guard's cache); the returned function does so here and tells the other hubs sharing
 * the PostgreSQL database (db/changes.ts), which run their `end` when they hear it and `reset` (drop
 * the cache, re-check every socket) when their feed reconnected. It resolves once the notice is
 * sent, so a sign-out is answered only after every hub can hear of it.
 */
export function shareSessionEnds(deps: {
  changes: Changes;
  sql: Sql;
  end(ended: SessionsEnded): void;
  reset(): void;
  onError(err: unknown): void;
}): (ended: SessionsEnded) => Promise<void> {
  deps.changes.subscribe(SESSIONS_CHANNEL, {
    onChange: (key) => deps.end(JSON.parse(key) as SessionsEnded),
    onReset: deps.reset,
  });
  // Resolves once the other hubs are told (a failure to tell goes to onError, not to the caller).
  return async (ended) => {
    deps.end(ended);
    await deps.changes.notify(deps.sql, SESSIONS_CHANNEL, JSON.stringify(ended)).catch(deps.onError);
  };
}
