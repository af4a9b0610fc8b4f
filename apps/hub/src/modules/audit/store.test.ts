import { FakeClock } from '../../lib/clock';
import { ENGINES, type EngineDb, engineSql, openEngine } from '../../testing/engines';
import { createDataReads } from './data-reads';
import { createAuditStore } from './store';

const YEAR = 365 * 24 * 60 * 60 * 1000;
// Not toThrow: better-sqlite3's errors come from the realm of the first test file that loaded it in
// this jest worker, so `instanceof Error` (which toThrow needs) fails in the others.
const appendOnly = { message: expect.stringMatching(/append-only/) };

describe.each(ENGINES)('audit log and reads of personal data on %s', (engine) => {
  let db: EngineDb;
  const clock = new FakeClock(Date.UTC(2026, 0, 5));
  const store = () => createAuditStore(engineSql(db), clock);
  beforeAll(async () => {
    db = await openEngine(engine);
  });
  afterAll(() => db.close());

  it('records who did what, when and from where, and lists the newest first, page by page', async () => {
    const audit = store();
    await audit.record({
      actor: 'admin',
      action: 'user.created',
      target: 'user:2',
      ip: '192.0.2.1',
      detail: { role: 'watcher' },
    });
    clock.advance(1000);
    await audit.record({ actor: 'clerk', action: 'household.exported', detail: 'csv', ip: '198.51.100.7' });
    clock.advance(1000);
    await audit.record({ actor: 'system', action: 'retention.pruned', ip: null });
    const all = await audit.list({});
    expect(all.map((e) => e.action)).toEqual(['retention.pruned', 'household.exported', 'user.created']);
    expect(all[2]).toEqual({
      id: expect.any(Number),
      at: '2026-01-05T00:00:00.000Z',
      actor: 'admin',
      action: 'user.created',
      target: 'user:2',
      ip: '192.0.2.1',
      detail: '{"role":"watcher"}',
    });
    expect(all[1]).toMatchObject({ actor: 'clerk', ip: '198.51.100.7', detail: 'csv', target: null });
    const page = await audit.list({ limit: 1, beforeId: all[0]!.id });
    expect(page.map((e) => e.action)).toEqual(['household.exported']);
  });

  it('refuses to change or delete an entry, whoever asks', async () => {
    await store().record({ actor: 'admin', action: 'auth.login', ip: null });
    await expect(db.query("UPDATE audit_log SET actor = 'someone else'")).rejects.toMatchObject(appendOnly);
    await expect(db.query('DELETE FROM audit_log')).rejects.toMatchObject(appendOnly);
    if (engine === 'postgres') await expect(db.query('TRUNCATE audit_log')).rejects.toMatchObject(appendOnly);
    expect((await store().list({})).some((e) => e.action === 'auth.login')).toBe(true);
  });

  it('lets the retention job delete only entries more than five years old (by the database clock)', async () => {
    const now = Date.now();
    await db.query("INSERT INTO audit_log (at, actor, action) VALUES (?, 'old', 'x'), (?, 'young', 'x')", [
      now - 6 * YEAR,
      now - 4 * YEAR,
    ]);
    await db.query('DELETE FROM audit_log WHERE at < ?', [now - 5 * YEAR - 2 * 86_400_000]);
    await expect(db.query('DELETE FROM audit_log WHERE at < ?', [now - 3 * YEAR])).rejects.toMatchObject(appendOnly);
    const actors = (await db.query<{ actor: string }>("SELECT actor FROM audit_log WHERE action = 'x'")).map(
      (r) => r.actor,
    );
    expect(actors).toEqual(['young']);
  });

  it('records reads of personal data, a row per household in one statement, and refuses to change them', async () => {
    const reads = createDataReads(engineSql(db), clock);
    const [h1, h2] = [await db.newHousehold(), await db.newHousehold()];
    await reads.record('clerk', 'export', [h1, h2, h1], '192.0.2.9');
    clock.advance(1000);
    await reads.record('clerk', 'record', [h1], null);
    await reads.record('clerk', 'record', [], null);
    expect(await reads.list(h1, 10)).toEqual([
      { at: new Date(clock.now()).toISOString(), actor: 'clerk', what: 'record', ip: null },
      { at: new Date(clock.now() - 1000).toISOString(), actor: 'clerk', what: 'export', ip: '192.0.2.9' },
    ]);
    expect((await reads.list(h2, 10)).map((r) => r.what)).toEqual(['export']);
    await expect(reads.record('clerk', 'nonsense' as 'record', [h1], null)).rejects.toMatchObject({
      message: expect.any(String),
    });
    expect(await reads.list(h1, 1)).toHaveLength(1);
    await expect(db.query("UPDATE data_reads SET actor = 'someone else'")).rejects.toMatchObject({
      message: expect.stringMatching(/append-only/),
    });
  });
});
