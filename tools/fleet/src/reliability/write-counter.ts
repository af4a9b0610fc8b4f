/** Counts writes to the hub's tables, to check that a refused request changed nothing stored. */
import type { Hub } from '@tsunagu/hub/app';

/**
 * Tables whose content may change on a refused request (the record of the refusal itself), and the
 * readiness check's probe row (plugins/storage.ts), rewritten every few seconds whatever happens.
 */
const VOLATILE = new Set(['audit_log', 'sessions', 'health_probe']);

/**
 * Counts writes to every table except the volatile ones, with temporary triggers on the hub's own
 * connection (cheap enough to check around every request, and exact: an UPDATE to the same value
 * counts too).
 */
export function writeCounter(hub: Pick<Hub, 'ctx'>): () => number {
  const db = hub.ctx.db;
  db.exec('CREATE TEMP TABLE IF NOT EXISTS fuzz_writes (n INTEGER NOT NULL)');
  db.exec('DELETE FROM fuzz_writes; INSERT INTO fuzz_writes VALUES (0)');
  const tables = (
    db.prepare("SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as {
      name: string;
    }[]
  )
    .map((r) => r.name)
    .filter((t) => !VOLATILE.has(t));
  for (const t of tables)
    for (const op of ['INSERT', 'UPDATE', 'DELETE'])
      db.exec(
        `CREATE TEMP TRIGGER IF NOT EXISTS "fuzz_${t}_${op}" AFTER ${op} ON main."${t}" BEGIN UPDATE fuzz_writes SET n = n + 1; END`,
      );
  const read = db.prepare('SELECT n FROM fuzz_writes').pluck();
  return () => read.get() as number;
}
