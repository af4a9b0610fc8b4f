/**
 * SQL for the check-in write path on PostgreSQL: the pair of createSqliteCheckinsStore's
 * commitCheckins. A commit costs a round trip here, not a disk flush in-process, so a batch is one
 * statement (new check-ins and their signs of life) and one more for the resends; only when that
 * statement fails (a bad item) is the batch written item by item, each in its own savepoint, so the
 * bad item fails alone as on SQLite.
 */
import type { Mood } from '@tsunagu/protocol';
import { inTransaction, type Pg, type PgClient } from '../../db/postgres';
import { numbered, postgresSql } from '../../db/sql';
import {
  CHECKIN_SQL,
  type CheckinInput,
  type CheckinLedger,
  type CheckinOutcome,
  type CheckinsStore,
  checkinValues,
  createCheckinReads,
  resendSetsMood,
  resentCheckin,
  storedCheckin,
} from './store';

const INSERT_CHECKIN = numbered(CHECKIN_SQL.insert);
const INSERT_SIGN = numbered(CHECKIN_SQL.insertSign);
// FOR UPDATE: two hubs resending the same check-in with a mood do not both set it.
const EXISTING = numbered(`${CHECKIN_SQL.existing} FOR UPDATE`);
const SET_MOOD = numbered(CHECKIN_SQL.setMood);

async function commitOne(client: PgClient, c: CheckinInput): Promise<CheckinOutcome> {
  const row = (await client.query<{ id: number }>(INSERT_CHECKIN, [...checkinValues(c)])).rows[0];
  if (row) {
    await client.query(INSERT_SIGN, [c.householdId, c.at, row.id]);
    return storedCheckin(c, row.id);
  }
  const existing = (
    await client.query<{ id: number; at: number; mood: Mood | null }>(EXISTING, [c.householdId, c.idempotencyKey])
  ).rows[0]!;
  const moodChanged =
    resendSetsMood(c, existing) && (await client.query(SET_MOOD, [c.mood, existing.id])).rowCount === 1;
  return resentCheckin(c, existing, moodChanged);
}

// WITH ORDINALITY + ORDER BY n: within one batch the first of two items with the same key is the new one.
const INSERT_BATCH = `WITH input AS (
    SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[], $7::text[])
      WITH ORDINALITY AS i(household_id, terminal_id, idempotency_key, at, pressed_at, received_at, mood, n)
  ), inserted AS (
    INSERT INTO checkins (household_id, terminal_id, idempotency_key, at, pressed_at, received_at, mood)
    SELECT household_id, terminal_id, idempotency_key, at, pressed_at, received_at, mood FROM input ORDER BY n
    ON CONFLICT (household_id, idempotency_key) DO NOTHING
    RETURNING id, household_id, idempotency_key, at
  ), signs AS (
    INSERT INTO signs_of_life (household_id, kind, at, checkin_id)
    SELECT household_id, 'checkin', at, id FROM inserted
  )
  SELECT id, household_id, idempotency_key FROM inserted`;
const EXISTING_BATCH = `SELECT id, household_id, idempotency_key, at, mood FROM checkins
  WHERE (household_id, idempotency_key) IN (SELECT * FROM unnest($1::bigint[], $2::text[])) FOR UPDATE`;

const keyOf = (householdId: number, key: string) => `${householdId}|${key}`;

async function commitBatch(client: PgClient, batch: CheckinInput[]): Promise<CheckinOutcome[]> {
  const column = <K extends keyof CheckinInput>(k: K) => batch.map((c) => c[k]);
  const inserted = await client.query<{ id: number; household_id: number; idempotency_key: string }>(INSERT_BATCH, [
    column('householdId'),
    column('terminalId'),
    column('idempotencyKey'),
    column('at'),
    column('pressedAt'),
    column('receivedAt'),
    column('mood'),
  ]);
  const fresh = new Map(inserted.rows.map((r) => [keyOf(r.household_id, r.idempotency_key), r.id]));
  // Resends (of earlier batches or within this one) answer with the stored check-in.
  const stored = new Map<string, { id: number; at: number; mood: Mood | null }>();
  if (batch.length > inserted.rows.length) {
    const rows = await client.query<{
      id: number;
      household_id: number;
      idempotency_key: string;
      at: number;
      mood: Mood | null;
    }>(EXISTING_BATCH, [column('householdId'), column('idempotencyKey')]);
    for (const r of rows.rows) stored.set(keyOf(r.household_id, r.idempotency_key), r);
  }
  const outcomes: CheckinOutcome[] = [];
  for (const c of batch) {
    const key = keyOf(c.householdId, c.idempotencyKey);
    const id = fresh.get(key);
    if (id !== undefined) {
      fresh.delete(key);
      stored.set(key, { id, at: c.at, mood: c.mood });
      outcomes.push(storedCheckin(c, id));
      continue;
    }
    const e = stored.get(key)!;
    const moodChanged = resendSetsMood(c, e) && (await client.query(SET_MOOD, [c.mood, e.id])).rowCount === 1;
    outcomes.push(resentCheckin(c, e, moodChanged));
    if (moodChanged) e.mood = c.mood;
  }
  return outcomes;
}

export function createPostgresCheckinLedger(pg: Pg): CheckinLedger {
  return {
    commitCheckins: (batch) =>
      inTransaction(pg, async (client) => {
        await client.query('SAVEPOINT batch');
        try {
          return await commitBatch(client, batch);
        } catch {
          // A bad item (a household that is gone…): write them one by one so it fails alone.
          await client.query('ROLLBACK TO SAVEPOINT batch');
        }
        const outcomes: CheckinOutcome[] = [];
        for (const c of batch) {
          // A savepoint per item, so one failing item does not undo the others.
          await client.query('SAVEPOINT checkin');
          try {
            outcomes.push(await commitOne(client, c));
            await client.query('RELEASE SAVEPOINT checkin');
          } catch (error) {
            await client.query('ROLLBACK TO SAVEPOINT checkin');
            outcomes.push({ ok: false, error });
          }
        }
        return outcomes;
      }),
  };
}

/** The whole check-ins store on PostgreSQL: the shared reads (store.ts) and this write path. */
export function createPostgresCheckinsStore(pg: Pg): CheckinsStore {
  return { ...createCheckinReads(postgresSql(pg)), ...createPostgresCheckinLedger(pg) };
}
