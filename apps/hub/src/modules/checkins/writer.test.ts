import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../db/database';
import { createSqliteCheckinsStore } from './store';
import { createCheckinWriter } from './writer';

function fileDb() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'checkins-'));
  const file = path.join(dir, 'hub.db');
  const db = openDatabase(file);
  db.prepare("INSERT INTO districts (code, name, name_en) VALUES ('d', 'D', 'D')").run();
  db.prepare("INSERT INTO households (name, address, district_id, created_at) VALUES ('h', 'a', 1, 0)").run();
  return { db, file, dir };
}

const input = (key = randomUUID(), householdId = 1) => ({
  householdId,
  terminalId: null,
  idempotencyKey: key,
  at: 1000,
  pressedAt: 1000,
  receivedAt: 1000,
  mood: null,
});

describe('check-in group commit', () => {
  it('writes check-ins that arrive together in one transaction and acks each only once stored', async () => {
    const { db, file, dir } = fileDb();
    const store = createSqliteCheckinsStore(db);
    const batches: number[] = [];
    const writer = createCheckinWriter(store, { onBatch: (n) => batches.push(n) });
    const acked: number[] = [];
    const all = Array.from({ length: 500 }, () =>
      writer.submit(input()).then((r) => {
        // At ack time the row is committed: a separate connection sees it.
        acked.push(r.checkinId);
        return r;
      }),
    );
    const results = await Promise.all(all);
    expect(results.every((r) => !r.duplicate)).toBe(true);
    expect(batches).toEqual([500]);
    expect(writer.stats()).toMatchObject({ batches: 1, checkins: 500, largestBatch: 500 });
    const other = openDatabase(file, { migrate: false });
    const ids = (other.prepare('SELECT id FROM checkins').all() as { id: number }[]).map((r) => r.id);
    expect(new Set(ids)).toEqual(new Set(acked));
    other.close();
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('splits a large burst into batches of at most maxBatch', async () => {
    const { db, dir } = fileDb();
    const batches: number[] = [];
    const writer = createCheckinWriter(createSqliteCheckinsStore(db), {
      maxBatch: 100,
      onBatch: (n) => batches.push(n),
    });
    await Promise.all(Array.from({ length: 250 }, () => writer.submit(input())));
    expect(batches).toEqual([100, 100, 50]);
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('counts a key once even within one batch, and a bad item fails alone', async () => {
    const { db, dir } = fileDb();
    const writer = createCheckinWriter(createSqliteCheckinsStore(db));
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
    expect(db.prepare('SELECT COUNT(*) AS n FROM checkins').get()).toEqual({ n: 2 });
    expect(db.prepare('SELECT COUNT(*) AS n FROM signs_of_life').get()).toEqual({ n: 2 });
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('rejects every waiting check-in when the transaction cannot commit', async () => {
    const { db, dir } = fileDb();
    const writer = createCheckinWriter(createSqliteCheckinsStore(db));
    const pending = writer.submit(input());
    db.close();
    await expect(pending).rejects.toThrow(/not open/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('measures throughput with synchronous=FULL (printed, not asserted)', async () => {
    const { db, dir } = fileDb();
    const writer = createCheckinWriter(createSqliteCheckinsStore(db));
    const n = 5000;
    const started = performance.now();
    await Promise.all(Array.from({ length: n }, () => writer.submit(input())));
    const ms = performance.now() - started;
    // eslint-disable-next-line no-console
    console.log(
      `group commit: ${n} check-ins in ${ms.toFixed(0)} ms (${Math.round((n / ms) * 1000)}/s), ${writer.stats().batches} transactions`,
    );
    expect(db.prepare('SELECT COUNT(*) AS n FROM checkins').get()).toEqual({ n });
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
