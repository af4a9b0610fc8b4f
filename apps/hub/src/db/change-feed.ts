/**
 * Changes made by other hubs on one PostgreSQL database, for caches a hub keeps in memory (check-in
 * plans, live sessions): a store that changes a cached row sends `NOTIFY channel, key` in the
 * transaction that changed it (delivered only if it commits), and every hub LISTENs on a connection
 * of its own and forgets that key. What SQLite's `data_version` is for one file and several
 * processes (docs/architecture.md, "Database engines").
 *
 * Notifications are not queued for a connection that is not there: when the listening connection
 * is lost, whatever was sent meanwhile is gone, so on every (re)connection `onReset` is called and
 * the cache must drop everything. Timers here are real ones: this is about connections.
 */
import type { Pg, PgClient } from './postgres';

export interface ChangeFeed {
  /** True while the listening connection is up (false: caches relying on it are reset on return). */
  readonly listening: boolean;
  stop(): Promise<void>;
}

/** Sends a change on `channel` with `key` (in a transaction: delivered when it commits). */
export async function notifyChange(q: Pick<PgClient, 'query'>, channel: string, key: string | number) {
  await q.query('SELECT pg_notify($1, $2)', [channel, String(key)]);
}

export function listenForChanges(
  pg: Pg,
  channels: readonly string[],
  handlers: { onChange(channel: string, key: string): void; onReset(): void },
  options: { retryMs?: number } = {},
): ChangeFeed {
  const retryMs = options.retryMs ?? 2000;
  for (const c of channels) if (!/^[a-z_][a-z0-9_]*$/.test(c)) throw new Error(`Bad channel name: ${c}`);
  let client: PgClient | null = null;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let inflight: Promise<void> = Promise.resolve();

  /** Closes the connection (not back to the pool: it is LISTENing). */
  function drop() {
    const c = client;
    client = null;
    c?.release(new Error('change feed connection closed'));
  }

  async function connect() {
    timer = null;
    try {
      const c = await pg.connect();
      if (stopped) return c.release();
      c.on('error', () => {
        if (client === c) drop();
        if (!stopped && !timer) timer = setTimeout(() => (inflight = connect()), retryMs);
      });
      c.on('notification', (n) => {
        if (client === c) handlers.onChange(n.channel, n.payload ?? '');
      });
      for (const ch of channels) await c.query(`LISTEN ${ch}`);
      client = c;
      // Anything sent while no connection listened is lost: start again from nothing.
      handlers.onReset();
    } catch {
      drop();
      if (!stopped) timer = setTimeout(() => (inflight = connect()), retryMs);
    }
  }

  inflight = connect();
  return {
    get listening() {
      return client !== null;
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await inflight;
      drop();
    },
  };
}
