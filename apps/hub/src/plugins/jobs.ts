/**
 * Scheduled jobs with one runner (issue 18): announcement timers, the watch ladder, the JMA poller,
 * notification retries, scheduled calls, retention and session sweeps. On SQLite there is one hub,
 * so a job starts at once. On PostgreSQL every hub registers the same jobs, and only the hub that
 * holds the jobs' advisory lock (db/leader.ts) runs them; when that hub dies, its connection goes,
 * PostgreSQL releases the lock, and another hub takes it at its next try and starts them.
 *
 * Leadership is a hint (a leader cut off from the database learns it only at its next heartbeat):
 * every job must also be idempotent by key (the announcement's state, the day's step, the
 * telegram's hash), so a tick run twice by two hubs changes nothing the second time.
 */
import { electLeader, type Leadership } from '../db/leader';
import type { Pg } from '../db/postgres';

export interface Job {
  /** Starts its timers (and catches up on what is due). */
  start(): void;
  /** Stops its timers; resolves when a run under way has ended. */
  stop(): void | Promise<void>;
}

export interface Jobs {
  /** Runs `job` while this hub leads (at once on SQLite); nothing when background jobs are off. */
  add(name: string, job: Job): void;
  /** Whether this hub runs the jobs now. */
  readonly leading: boolean;
  /** Stops every job and gives up leadership (the next hub takes over at its next try). */
  close(): Promise<void>;
}

export function createJobs(options: {
  /** False in short-lived processes on the same database (the admin CLI): no job ever starts. */
  enabled: boolean;
  /** PostgreSQL: jobs run on the hub holding the lock; null (SQLite): on this hub. */
  pg: Pg | null;
  /** How often a hub that does not lead tries to (and a leader checks its connection). */
  retryMs?: number;
  onError: (err: unknown, job: string) => void;
  onLeadership?: (leading: boolean) => void;
}): Jobs {
  const jobs = new Map<string, Job>();
  const running = new Set<string>();
  let leading = options.enabled && options.pg === null;
  let closed = false;
  // Starts and stops in order: a stop is awaited before the jobs start again elsewhere in time.
  let chain: Promise<void> = Promise.resolve();

  const start = (name: string) => {
    if (running.has(name) || closed) return;
    try {
      jobs.get(name)!.start();
      running.add(name);
    } catch (err) {
      options.onError(err, name);
    }
  };
  const stopAll = async () => {
    for (const name of [...running].reverse()) {
      running.delete(name);
      try {
        await jobs.get(name)!.stop();
      } catch (err) {
        options.onError(err, name);
      }
    }
  };

  let leadership: Leadership | null = null;
  if (options.enabled && options.pg) {
    leadership = electLeader(options.pg, 'scheduled-jobs', {
      retryMs: options.retryMs,
      onChange: (now) => {
        leading = now;
        options.onLeadership?.(now);
        chain = chain.then(async () => {
          if (now && leading) for (const name of jobs.keys()) start(name);
          else if (!now) await stopAll();
        });
      },
    });
  }

  return {
    add(name, job) {
      if (jobs.has(name)) throw new Error(`job "${name}" added twice`);
      jobs.set(name, job);
      if (leading) start(name);
    },
    get leading() {
      return leading && !closed;
    },
    async close() {
      closed = true;
      await chain;
      await stopAll();
      await leadership?.stop();
    },
  };
}
