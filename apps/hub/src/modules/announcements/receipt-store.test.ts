/**
 * Receipts on both engines: a batch is committed all or none and a terminal is answered only once
 * its receipt is committed (group commit); each stage keeps what it must; the lists are one
 * statement however many households they name.
 */
import type { Sql } from '../../db/sql';
import { ENGINES, type EngineDb, engineSql, openEngine } from '../../testing/engines';
import { createReceiptsStore, createSqliteReceiptsStore, type ReceiptWrite } from './receipt-store';
import { ReceiptBatcher } from './receipts';

/** The runner, counting the statements run through it. */
function counting(sql: Sql): Sql & { statements: number } {
  const c = { ...sql, statements: 0 } as Sql & { statements: number };
  const count = () => {
    c.statements += 1;
  };
  c.all = (text, params) => {
    count();
    return sql.all(text, params);
  };
  c.get = (text, params) => {
    count();
    return sql.get(text, params);
  };
  c.run = (text, params) => {
    count();
    return sql.run(text, params);
  };
  return c;
}

describe.each(ENGINES)('announcement receipts on %s', (engine) => {
  let db: EngineDb;
  const ids = async (sql: string, params: unknown[] = []) =>
    Number((await db.query<{ id: number }>(`${sql} RETURNING id`, params))[0]!.id);
  /** A published announcement for `n` new households, each with a terminal. */
  const published = async (n: number, kind = 'emergency') => {
    const announcement = await ids(
      `INSERT INTO announcements (kind, test, title_ja, body_ja, target, status, published_at, created_by, created_at, updated_at)
       VALUES (?, 0, 't', 'b', '{"type":"all"}', 'published', 100, 'x', 0, 0)`,
      [kind],
    );
    const terminals: { terminalId: number; householdId: number }[] = [];
    for (let i = 0; i < n; i++) {
      const householdId = await db.newHousehold();
      await db.query('INSERT INTO announcement_targets (announcement_id, household_id) VALUES (?, ?)', [
        announcement,
        householdId,
      ]);
      const terminalId = await ids(
        'INSERT INTO terminals (household_id, credential_hash, enrolled_at) VALUES (?, ?, 0)',
        [householdId, `${engine}-${announcement}-${i}`],
      );
      terminals.push({ terminalId, householdId });
    }
    return { announcement, terminals };
  };
  const rowsOf = async (announcement: number, q = db.query) =>
    q<Record<string, unknown>>(
      `SELECT terminal_id AS "terminalId", delivered_at AS delivered, played_at AS played, acknowledged_at AS acknowledged,
         safety_answer AS answer, answered_at AS answered
       FROM announcement_receipts WHERE announcement_id = ? ORDER BY terminal_id`,
      [announcement],
    );

  /** The hub's receipts store on this engine (SQLite writes with its own prepared statements). */
  const receiptsStore = () =>
    db.engine === 'sqlite' ? createSqliteReceiptsStore(db.db) : createReceiptsStore(engineSql(db));
  beforeAll(async () => {
    db = await openEngine(engine);
  });
  afterAll(() => db.close());

  it('writes a batch in one transaction, each stage keeping what it must, the same row many times in one batch', async () => {
    const store = receiptsStore();
    const { announcement: a, terminals } = await published(2);
    const [t1, t2] = terminals as [(typeof terminals)[0], (typeof terminals)[0]];
    const w = (
      t: typeof t1,
      stage: ReceiptWrite['stage'],
      at: number,
      answer?: 'safe' | 'need_help',
    ): ReceiptWrite => ({
      announcementId: a,
      ...t,
      stage,
      at,
      ...(answer ? { answer } : {}),
    });
    await store.writeReceipts([
      w(t1, 'delivered', 10),
      w(t1, 'played', 11),
      w(t2, 'acknowledged', 12),
      w(t1, 'acknowledged', 13),
      w(t1, 'answered', 14, 'need_help'),
      w(t1, 'delivered', 15),
      w(t1, 'played', 16),
    ]);
    // Acknowledged again (updated content) keeps the latest; an answer replaces the earlier one and
    // keeps the first acknowledgement.
    await store.writeReceipts([
      w(t2, 'acknowledged', 20),
      w(t2, 'answered', 21, 'safe'),
      w(t1, 'answered', 22, 'safe'),
    ]);
    expect(await rowsOf(a)).toEqual([
      { terminalId: t1.terminalId, delivered: 10, played: 11, acknowledged: 13, answer: 'safe', answered: 22 },
      { terminalId: t2.terminalId, delivered: 12, played: null, acknowledged: 20, answer: 'safe', answered: 21 },
    ]);
    expect(await store.receiptStates(t2.householdId, [a, a + 1000])).toEqual([
      { announcementId: a, acknowledgedAt: 20, safetyAnswer: 'safe' },
    ]);
    expect(await store.isTargeted(a, t1.householdId)).toBe(true);
    expect(await store.isTargeted(a, 1)).toBe(false);
  });

  it('is idempotent and keeps the order of states: a resend or a late stage never undoes a later one', async () => {
    const store = receiptsStore();
    const { announcement: a, terminals } = await published(1);
    const t = terminals[0]!;
    const w = (stage: ReceiptWrite['stage'], at: number, answer?: 'safe' | 'need_help'): ReceiptWrite => ({
      announcementId: a,
      ...t,
      stage,
      at,
      ...(answer ? { answer } : {}),
    });
    await store.writeReceipts([w('answered', 30, 'need_help')]);
    const answered = await rowsOf(a);
    // The same receipt sent again (its answer was lost on the way) changes nothing.
    await store.writeReceipts([w('answered', 30, 'need_help')]);
    expect(await rowsOf(a)).toEqual(answered);
    // Earlier stages arriving late (each in its own batch): delivery and acknowledgement stay, the answer stays.
    for (const late of [w('delivered', 31), w('played', 32), w('delivered', 33)]) await store.writeReceipts([late]);
    expect(await rowsOf(a)).toEqual([
      { terminalId: t.terminalId, delivered: 30, played: 32, acknowledged: 30, answer: 'need_help', answered: 30 },
    ]);
    expect(await store.receiptStates(t.householdId, [a])).toEqual([
      { announcementId: a, acknowledgedAt: 30, safetyAnswer: 'need_help' },
    ]);
  });

  it('commits a batch all or none: one bad receipt and nothing of it is stored', async () => {
    const store = receiptsStore();
    const { announcement: a, terminals } = await published(2);
    const good = { announcementId: a, ...terminals[0]!, stage: 'delivered' as const, at: 1 };
    const bad = { announcementId: a, ...terminals[1]!, stage: 'answered' as const, answer: 'maybe' as 'safe', at: 1 };
    await expect(store.writeReceipts([good, bad])).rejects.toMatchObject({ message: expect.any(String) });
    expect(await rowsOf(a)).toEqual([]);
    await store.writeReceipts([good]);
    expect(await rowsOf(a)).toHaveLength(1);
  });

  it('answers each terminal only once its receipt is committed, visible to another connection', async () => {
    const store = receiptsStore();
    const { announcement: a, terminals } = await published(3);
    const other = await db.otherConnection();
    try {
      const seenWhenAnswered: number[] = [];
      const failures: unknown[] = [];
      const batcher = new ReceiptBatcher(
        (writes) => store.writeReceipts(writes),
        () => undefined,
        (err) => failures.push(err),
      );
      await Promise.all(
        terminals.map((t) =>
          batcher
            .add({ announcementId: a, ...t, stage: 'delivered', at: 5 })
            .then(async () => seenWhenAnswered.push((await rowsOf(a, other.query)).length)),
        ),
      );
      // Every answer came after the one commit of all three.
      expect(seenWhenAnswered).toEqual([3, 3, 3]);
      // A batch that fails answers each of its terminals with the error, and stores none of it.
      const { announcement: b, terminals: more } = await published(2);
      const results = await Promise.allSettled([
        batcher.add({ announcementId: b, ...more[0]!, stage: 'delivered', at: 5 }),
        batcher.add({ announcementId: b, ...more[1]!, terminalId: 987_654, stage: 'delivered', at: 5 }),
      ]);
      expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
      expect(failures).toHaveLength(1);
      expect(await rowsOf(b, other.query)).toEqual([]);
      await batcher.close();
      await expect(batcher.add({ announcementId: a, ...terminals[0]!, stage: 'played', at: 6 })).rejects.toThrow(
        /shutting down/,
      );
    } finally {
      await other.close();
    }
  });

  it('lists follow-ups and receipt states in one statement however many households, and counts undelivered emergencies', async () => {
    const sql = counting(engineSql(db));
    const store = createReceiptsStore(sql);
    const before = await store.undeliveredEmergencies();
    const { announcement: a, terminals } = await published(12);
    const waiting = await store.undeliveredEmergencies();
    expect(waiting.terminals).toBe(before.terminals + 12);
    expect(waiting.oldestPublishedAt).toBe(100);
    await receiptsStore().writeReceipts([
      { announcementId: a, ...terminals[0]!, stage: 'answered', answer: 'need_help', at: 7 },
      ...terminals.slice(1, 5).map((t) => ({ announcementId: a, ...t, stage: 'acknowledged' as const, at: 7 })),
    ]);
    expect((await store.undeliveredEmergencies()).terminals).toBe(before.terminals + 7);
    sql.statements = 0;
    const rows = await store.followUpRows(a);
    expect(sql.statements).toBe(1);
    expect(rows).toHaveLength(12);
    expect(rows.find((r) => r.householdId === terminals[0]!.householdId)).toMatchObject({
      delivered: true,
      acknowledged: true,
      needHelp: true,
      safe: false,
      hasTerminal: true,
      districtId: expect.any(Number),
      districtName: 'D',
    });
    expect(rows.filter((r) => r.acknowledged)).toHaveLength(5);
    sql.statements = 0;
    expect(await store.receiptStates(terminals[1]!.householdId, [a, a + 1, a + 2])).toHaveLength(1);
    expect(sql.statements).toBe(1);
  });
});
