import { randomUUID } from 'node:crypto';
import { ENGINES, type EngineDb, openEngine } from '../../testing/engines';
import { createSqliteCheckinsStore } from './store';
import { createPostgresCheckinLedger } from './store-postgres';
import { createCheckinWriter } from './writer';

const ledger = (db: EngineDb) =>
  db.engine === 'sqlite' ? createSqliteCheckinsStore(db.db) : createPostgresCheckinLedger(db.pg);

let household = 1;
const input = (key = randomUUID(), householdId = household) => ({
  householdId,
  terminalId: null,
  idempotencyKey: key,
  at: 1000,
  pressedAt: 1000,
  receivedAt: 1000,
  mood: null,
});

/** Rows of this test's household. */
const count = async (db: EngineDb, table: string) =>
  Number(
    (await db.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table} WHERE household_id = ?`, [household]))[0]!.n,
  );

describe.each(ENGINES)('check-in group commit on %s', (engine) => {
  // One database per engine; each test writes for a household of its own.
  let db: EngineDb;
  beforeAll(async () => {
    db = await openEngine(engine);
  });
  afterAll(() => db.close());
  beforeEach(async () => {
    household = await db.newHousehold();
  });

  it('writes check-ins that arrive together in one transaction and acks each only once stored', async () => {
    const batches: number[] = [];
    const writer = createCheckinWriter(ledger(db), { onBatch: (n) => batches.push(n) });
    const other = await db.otherConnection();
    const seenAtAck: number[] = [];
    const all = Array.from({ length: 500 }, () =>
      writer.submit(input()).then(async (r) => {
        // At ack time the row is committed: a separate connection sees it.
        const rows = await other.query<{ id: number }>('SELECT id FROM checkins WHERE id = ?', [r.checkinId]);
        seenAtAck.push(...rows.map((row) => Number(row.id)));
        return r;
      }),
    );
    const results = await Promise.all(all);
    await other.close();
    expect(results.every((r) => !r.duplicate)).toBe(true);
    expect(batches).toEqual([500]);
    expect(writer.stats()).toMatchObject({ batches: 1, checkins: 500, largestBatch: 500 });
    expect(new Set(seenAtAck)).toEqual(new Set(results.map((r) => r.checkinId)));
    expect(await count(db, 'signs_of_life')).toBe(500);
  });

  it('splits a large burst into batches of at most maxBatch', async () => {
    const batches: number[] = [];
    const writer = createCheckinWriter(ledger(db), { maxBatch: 100, onBatch: (n) => batches.push(n) });
    await Promise.all(Array.from({ length: 250 }, () => writer.submit(input())));
    expect(batches).toEqual([100, 100, 50]);
  });

  it('gathers what arrives while a batch commits into the next one', async () => {
    const batches: number[] = [];
    const writer = createCheckinWriter(ledger(db), { onBatch: (n) => batches.push(n) });
    const first = writer.submit(input());
    await new Promise((r) => setImmediate(r));
    // The first batch is committing (on SQLite: already committed): these wait for it, then go together.
    const rest = Array.from({ length: 20 }, () => writer.submit(input()));
    await Promise.all([first, ...rest]);
    await writer.drain();
    expect(batches).toEqual([1, 20]);
  });

  it('counts a key once even within one batch, and a bad item fails alone', async () => {
    const writer = createCheckinWriter(ledger(db));
    const key = randomUUID();
    const [a, b, bad, c] = await Promise.allSettled([
      writer.submit(input(key)),
      writer.submit({ ...input(key), mood: 'good' }),
      writer.submit(input(randomUUID(), 999)), // no such household: foreign key fails
      writer.submit(input()),
    ]);
    expect(a).toMatchObject({ status: 'fulfilled', value: { duplicate: false } });
    expect(b).toMatchObject({ status: 'fulfilled', value: { duplicate: true, mood: 'good', moodChanged: true } });
    expect(bad.status).toBe('rejected');
    expect(c).toMatchObject({ status: 'fulfilled', value: { duplicate: false } });
    expect(await count(db, 'checkins')).toBe(2);
    expect(await count(db, 'signs_of_life')).toBe(2);
    // A later resend with another mood changes nothing: the first mood given stands.
    const again = await writer.submit({ ...input(key), mood: 'not_good' });
    expect(again).toMatchObject({ duplicate: true, mood: 'good', moodChanged: false });
  });

  it('answers resends within a batch and across batches with the stored check-in', async () => {
    const writer = createCheckinWriter(ledger(db));
    const [k1, k2] = [randomUUID(), randomUUID()];
    const first = await Promise.all([
      writer.submit(input(k1)),
      writer.submit({ ...input(k1), mood: 'so_so' }),
      writer.submit({ ...input(k2), mood: 'good' }),
    ]);
    expect(first).toMatchObject([
      { duplicate: false, mood: null },
      { duplicate: true, mood: 'so_so', moodChanged: true, checkinId: first[0].checkinId },
      { duplicate: false, mood: 'good', moodChanged: true },
    ]);
    const later = await Promise.all([
      writer.submit({ ...input(k2), mood: 'not_good', at: 5000 }),
      writer.submit(input(k1)),
      writer.submit(input()),
    ]);
    expect(later).toMatchObject([
      { duplicate: true, mood: 'good', moodChanged: false, at: 1000, checkinId: first[2].checkinId },
      { duplicate: true, mood: 'so_so', moodChanged: false, checkinId: first[0].checkinId },
      { duplicate: false },
    ]);
    expect(await count(db, 'checkins')).toBe(3);
    expect(await count(db, 'signs_of_life')).toBe(3);
  });

  it('rejects every waiting check-in when the transaction cannot commit', async () => {
    const own = await openEngine(engine);
    const writer = createCheckinWriter(ledger(own));
    await own.breakConnection();
    const pending = [writer.submit(input()), writer.submit(input())];
    for (const p of pending) await expect(p).rejects.toMatchObject({ message: expect.stringMatching(/not open|end/) });
    expect(writer.stats().checkins).toBe(0);
    await own.close();
  });

  it('measures throughput (printed, not asserted)', async () => {
    const writer = createCheckinWriter(ledger(db));
    const n = engine === 'sqlite' ? 5000 : 2000;
    const started = performance.now();
    await Promise.all(Array.from({ length: n }, () => writer.submit(input())));
    const ms = performance.now() - started;
    console.log(
      `group commit on ${engine}: ${n} check-ins in ${ms.toFixed(0)} ms (${Math.round((n / ms) * 1000)}/s), ${writer.stats().batches} transactions`,
    );
    expect(await count(db, 'checkins')).toBe(n);
  });
});
