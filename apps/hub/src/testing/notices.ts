/**
 * Notices to the other hubs (db/changes.ts) made slow and recorded, for tests that a change is
 * answered only once its notice has gone out: every service tells through the hub's one `changes`
 * object, so its `notify` is wrapped in place (on SQLite too, where it sends nothing) until `restore`.
 */
import type { Changes } from '../db/changes';

export interface SlowNotices {
  /** `channel key` of each notice sent so far, in the order each finished. */
  told: string[];
  restore(): void;
}

export function slowNotices(hub: { ctx: { changes: Changes } }, delayMs = 30): SlowNotices {
  const changes = hub.ctx.changes;
  const real = changes.notify;
  const told: string[] = [];
  changes.notify = async (tx, channel, key) => {
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    await real.call(changes, tx, channel, key);
    told.push(`${channel} ${key}`);
  };
  return {
    told,
    restore: () => {
      changes.notify = real;
    },
  };
}
