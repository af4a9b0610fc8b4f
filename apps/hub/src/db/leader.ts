/**
 * Leader election among hubs on one PostgreSQL database, for jobs that must have one runner
 * (announcement timers, the watch ladder, the JMA poller, retention): a session-level advisory
 * lock held on a connection of its own. When the leader's process or connection dies, PostgreSQL
 * releases the lock and another hub takes it at its next try (every `retryMs`).
 *
 * Leadership is a hint, not a guarantee: a leader cut off from the database learns it only at its
 * next heartbeat, when another may already lead. Jobs must therefore also be idempotent by key
 * (the day's step, the alert's level, the telegram's hash) so a tick run twice changes nothing.
 * Timers here are real ones: this is about connections, not about time in the domain.
 */
import { createHash } from 'node:crypto';
import type { Pg, PgClient } from './postgres';

export interface Leadership {
  readonly leader: boolean;
  /** Settles when leadership has been given up and the connection returned. */
  stop(): Promise<void>;
}

/** The advisory lock's 64-bit key for a job name (stable across hubs and versions). */
export function lockKey(name: string): string {
  return createHash('sha256').update(`tsunagu:${name}`).digest().readBigInt64BE(0).toString();
}

export function electLeader(
  pg: Pg,
  name: string,
  options: { retryMs?: number; onChange?: (leader: boolean) => void } = {},
): Leadership {
  const retryMs = options.retryMs ?? 2000;
  const key = lockKey(name);
  let client: PgClient | null = null;
  let leader = false;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let inflight: Promise<void> = Promise.resolve();

  const setLeader = (value: boolean) => {
    if (leader === value) return;
    leader = value;
    options.onChange?.(value);
  };

  /** Closes the connection (not back to the pool): its session's locks go with it. */
  function drop() {
    const c = client;
    client = null;
    setLeader(false);
    c?.release(new Error('leader connection closed'));
  }

  async function attempt() {
    timer = null;
    try {
      if (!client) {
        const c = await pg.connect();
        c.on('error', () => undefined);
        if (stopped) return c.release();
        client = c;
      }
      if (leader) {
        // Heartbeat: the lock lives as long as this connection does.
        await client.query('SELECT 1');
      } else {
        const got = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS ok', [key]);
        if (got.rows[0]!.ok && !stopped) setLeader(true);
      }
    } catch {
      drop();
    }
    if (!stopped)
      timer = setTimeout(() => {
        inflight = attempt();
      }, retryMs);
  }

  inflight = attempt();
  return {
    get leader() {
      return leader;
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      // A try under way may take the lock: wait for it, then give the lock back and close the
      // session. Closing alone frees the lock only once the server has seen the connection go,
      // which is after this settles; the unlock is done when its answer comes.
      await inflight;
      const c = client;
      if (c) {
        setLeader(false);
        await c.query('SELECT pg_advisory_unlock_all()').catch(() => undefined);
      }
      drop();
    },
  };
}
