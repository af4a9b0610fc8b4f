/**
 * The announcement speech store on both engines: readings stored, replaced and removed with a notice
 * to other hubs that is sent only when the unit of work commits; what an announcement says with its
 * readings in one statement; which announcements may still be spoken; the clips stored once per key
 * (two hubs making the same words at once store one), read back byte for byte, and swept.
 */
import { postgresChanges } from '../../../db/changes';
import type { Sql } from '../../../db/sql';
import { ENGINES, type EngineDb, engineSql, openEngine, refused } from '../../../testing/engines';
import { until } from '../../../testing/until';
import { createSpeechStore, READINGS_CHANNEL, type SpeechStore } from './store';

describe.each(ENGINES)('announcement speech store on %s', (engine) => {
  let db: EngineDb;
  let sql: Sql;
  let store: SpeechStore;
  /** The notices this store sent, by key (whether one rolled back is heard: the PostgreSQL test below). */
  let notices: string[];

  const announcement = async (status = 'published', extra: { expiresAt?: number; titleEn?: string } = {}) =>
    Number(
      (
        await db.query<{ id: number }>(
          `INSERT INTO announcements (kind, test, title_ja, body_ja, title_en, target, status, expires_at, created_by, created_at, updated_at)
           VALUES ('important', 0, '断水', '上野で断水します。', ?, '{"type":"all"}', ?, ?, 'x', 0, 0) RETURNING id`,
          [extra.titleEn ?? null, status, extra.expiresAt ?? null],
        )
      )[0]!.id,
    );
  const key = (c: string) => c.repeat(40);

  beforeAll(async () => {
    db = await openEngine(engine);
    sql = engineSql(db);
    notices = [];
    store = createSpeechStore(sql, {
      notify: async (_tx, channel, k) => {
        if (channel === READINGS_CHANNEL) notices.push(String(k));
      },
    });
  });
  afterAll(() => db.close());

  it('stores, replaces and removes the readings, telling other hubs each time', async () => {
    const id = await announcement();
    expect(await store.readings(id)).toEqual([]);
    await store.setReadings(id, [{ text: '上野', reading: 'かみの' }]);
    expect(await store.readings(id)).toEqual([{ text: '上野', reading: 'かみの' }]);
    await store.setReadings(id, [{ text: '上野', reading: 'うえの' }]);
    expect(await store.spoken(id)).toEqual({
      content: {
        kind: 'important',
        test: false,
        titleJa: '断水',
        bodyJa: '上野で断水します。',
        titleEn: null,
        bodyEn: null,
        audioId: null,
      },
      readings: [{ text: '上野', reading: 'うえの' }],
    });
    await store.setReadings(id, []);
    expect(await store.readings(id)).toEqual([]);
    expect((await db.query('SELECT * FROM announcement_readings WHERE announcement_id = ?', [id])).length).toBe(0);
    expect(notices.filter((n) => n === String(id))).toHaveLength(3);
    expect(await store.spoken(999_999)).toBeUndefined();
  });

  it("writes readings inside the announcement's unit of work: all or nothing, unseen by others until committed", async () => {
    const id = await announcement();
    const other = await db.otherConnection();
    try {
      await expect(
        sql.transaction(async (tx) => {
          await store.setReadings(id, [{ text: '上野', reading: 'かみの' }], tx);
          if (engine === 'postgres')
            expect(await other.query('SELECT * FROM announcement_readings WHERE announcement_id = ?', [id])).toEqual(
              [],
            );
          throw new Error('the announcement was not stored');
        }),
      ).rejects.toThrow('the announcement was not stored');
      expect(await store.readings(id)).toEqual([]);
      await sql.transaction((tx) => store.setReadings(id, [{ text: '上野', reading: 'かみの' }], tx));
      expect(await other.query('SELECT readings FROM announcement_readings WHERE announcement_id = ?', [id])).toEqual([
        { readings: '[{"text":"上野","reading":"かみの"}]' },
      ]);
    } finally {
      await other.close();
    }
    // Readings of an announcement that does not exist are refused (the key refers to it).
    await expect(store.setReadings(999_999, [{ text: 'a', reading: 'あ' }])).rejects.toMatchObject(
      refused(/FOREIGN KEY|foreign key/),
    );
  });

  it('lists what may still be spoken, with its readings and a change awaiting approval', async () => {
    const live = await announcement('published', { titleEn: 'Water cut' });
    const waiting = await announcement('pending_approval');
    const expired = await announcement('published', { expiresAt: 500 });
    const cancelled = await announcement('cancelled');
    await store.setReadings(live, [{ text: '上野', reading: 'かみの' }]);
    await db.query(
      'INSERT INTO announcement_revisions (announcement_id, change, revised_by, revised_at) VALUES (?, ?, ?, 0)',
      [live, JSON.stringify({ patch: { bodyJa: '断水は中止です。' }, widenTo: null }), 'x'],
    );
    const speakable = await store.speakable(1000);
    const ids = speakable.map((a) => a.id);
    expect(ids).toEqual(expect.arrayContaining([live, waiting]));
    expect(ids).not.toContain(expired);
    expect(ids).not.toContain(cancelled);
    const a = speakable.find((s) => s.id === live)!;
    expect(a.content.titleEn).toBe('Water cut');
    expect(a.readings).toEqual([{ text: '上野', reading: 'かみの' }]);
    expect(a.pending).toMatchObject({ titleJa: '断水', bodyJa: '断水は中止です。' });
    expect(speakable.find((s) => s.id === waiting)!.pending).toBeNull();
  });

  it('stores a clip once per key, byte for byte, even when two hubs store it at once, and sweeps the ones named', async () => {
    const ogg = Buffer.from([0x4f, 0x67, 0x67, 0x53, 0, 1, 2, 255]);
    expect(await store.hasClip(key('a'))).toBe(false);
    expect(await store.clip(key('a'))).toBeUndefined();
    // Another hub's store: on PostgreSQL its statement runs on another connection at the same time.
    const other = createSpeechStore(engineSql(db), { notify: async () => undefined });
    await Promise.all([store.addClip(key('a'), 'ja', ogg, 10), other.addClip(key('a'), 'ja', Buffer.from('x'), 20)]);
    expect(await store.hasClip(key('a'))).toBe(true);
    const stored = await store.clip(key('a'));
    expect(Buffer.isBuffer(stored)).toBe(true);
    expect(stored!.equals(ogg)).toBe(true);
    await store.addClip(key('b'), 'en', ogg, 30);
    expect(await store.clipKeys()).toEqual(
      expect.arrayContaining([
        { key: key('a'), madeAt: 10 },
        { key: key('b'), madeAt: 30 },
      ]),
    );
    await expect(store.addClip('short', 'ja', ogg, 1)).rejects.toMatchObject(refused(/CHECK|check constraint/));
    expect(await store.removeClips([])).toBe(0);
    expect(await store.removeClips([key('a'), key('c')])).toBe(1);
    expect((await store.clipKeys()).map((c) => c.key)).toEqual([key('b')]);
  });

  if (engine === 'postgres')
    it('tells the other hubs through the change feed, once the readings are committed', async () => {
      if (db.engine !== 'postgres') return;
      const heard: string[] = [];
      let listening = false;
      const changes = postgresChanges(db.pg);
      changes.subscribe(READINGS_CHANNEL, { onChange: (k) => void heard.push(k), onReset: () => (listening = true) });
      changes.start();
      try {
        const real = createSpeechStore(sql, changes);
        const id = await announcement();
        await until(() => listening);
        await expect(
          sql.transaction(async (tx) => {
            await real.setReadings(id, [{ text: '上野', reading: 'かみの' }], tx);
            throw new Error('rolled back');
          }),
        ).rejects.toThrow('rolled back');
        await real.setReadings(id, [{ text: '上野', reading: 'うえの' }]);
        await until(() => heard.length > 0);
        expect(heard).toEqual([String(id)]);
      } finally {
        await changes.stop();
      }
    });
});
