/**
 * The JMA store on both engines: a telegram is stored once (a replay, by digest or by dedupe key,
 * changes nothing), chains answer their newest telegram and announcement, settings are saved all or
 * none, and the feed poller's state survives.
 */
import { ENGINES, type EngineDb, engineSql, openEngine } from '../../testing/engines';
import { createJmaStore, type JmaStore, type NewTelegramRecord } from './store';

let n = 0;
const telegram = (over: Partial<NewTelegramRecord> = {}): NewTelegramRecord => {
  n += 1;
  return {
    receivedAt: 1_000 + n,
    source: 'api',
    receivedFrom: 'key:1',
    sha256: n.toString(16).padStart(64, '0'),
    dedupeKey: `key-${n}`,
    title: '震度速報',
    kind: 'intensityFlash',
    mode: 'live',
    infoType: 'issue',
    eventId: `E${n}`,
    serial: null,
    sentAt: 500,
    reportAt: 500,
    headline: '地震がありました',
    chain: null,
    decision: 'ignored',
    reasonCode: 'BELOW',
    reasonJa: '対象外',
    reasonEn: 'below',
    announcementId: null,
    withdrawnIds: [],
    body: '<Report/>',
    ...over,
  };
};

describe.each(ENGINES)('JMA store on %s', (engine) => {
  let db: EngineDb;
  let store: JmaStore;
  beforeAll(async () => {
    db = await openEngine(engine);
    store = createJmaStore(engineSql(db));
  });
  afterAll(() => db.close());

  const count = async () => Number((await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM jma_telegrams'))[0]!.n);

  it('stores a telegram once: the same document or the same dedupe key again changes nothing', async () => {
    const t = telegram({ withdrawnIds: [3, 4], serial: 2 });
    const id = await store.insert(t);
    expect(id).toEqual(expect.any(Number));
    const before = await count();
    expect(await store.insert({ ...t, decision: 'announced', body: 'other' })).toBeNull();
    expect(await store.insert({ ...telegram(), dedupeKey: t.dedupeKey })).toBeNull();
    expect(await store.insert({ ...telegram(), sha256: t.sha256 })).toBeNull();
    expect(await count()).toBe(before);
    const { body, ...record } = t;
    expect(await store.get(id!)).toEqual({ id, ...record });
    expect(await store.bySha256(t.sha256)).toEqual({ id, ...record });
    expect((await store.byDedupeKey(t.dedupeKey))?.id).toBe(id);
    expect(await store.body(id!)).toBe(body);
    expect(await store.get(id! + 1000)).toBeUndefined();
  });

  it('refuses what the schema forbids', async () => {
    const refused = { message: expect.any(String) };
    await expect(store.insert(telegram({ sha256: 'not hex' }))).rejects.toMatchObject(refused);
    await expect(store.insert(telegram({ decision: 'maybe' as 'ignored' }))).rejects.toMatchObject(refused);
    await expect(db.query("INSERT INTO jma_settings (key, value) VALUES ('other', '1')")).rejects.toMatchObject(
      refused,
    );
  });

  it('answers a chain with its newest telegram (superseded ones aside) and its announcement', async () => {
    const chain = `quake:live:${engine}`;
    const announcement = Number(
      (
        await db.query<{ id: number }>(
          `INSERT INTO announcements (kind, test, title_ja, body_ja, target, status, created_by, created_at, updated_at)
           VALUES ('emergency', 0, 't', 'b', '{"type":"all"}', 'published', 'jma', 0, 0) RETURNING id`,
        )
      )[0]!.id,
    );
    expect(await store.chainLatest(chain)).toBeUndefined();
    expect(await store.chainAnnouncement(chain)).toBeNull();
    await store.insert(
      telegram({ chain, reportAt: 100, serial: 1, decision: 'announced', announcementId: announcement }),
    );
    await store.insert(telegram({ chain, reportAt: 100, serial: 3, sentAt: 50, decision: 'ignored' }));
    await store.insert(
      telegram({ chain, reportAt: 100, serial: 2, sentAt: 900, decision: 'updated', announcementId: announcement }),
    );
    await store.insert(telegram({ chain, reportAt: 999, serial: 9, decision: 'superseded' }));
    expect(await store.chainLatest(chain)).toEqual({ reportAt: 100, serial: 3, sentAt: 50 });
    expect(await store.chainAnnouncement(chain)).toBe(announcement);
  });

  it('lists newest first, page by page', async () => {
    const ids = [] as number[];
    for (let i = 0; i < 3; i++) ids.push((await store.insert(telegram()))!);
    const page = await store.list(2);
    expect(page.map((r) => r.id)).toEqual([ids[2], ids[1]]);
    expect((await store.list(1, ids[1])).map((r) => r.id)).toEqual([ids[0]]);
  });

  it('saves the settings all or none, and keeps the feed poller state', async () => {
    expect(await store.getSetting('policy')).toBeUndefined();
    await store.saveSettings({ areas: [{ code: '1', name: 'x' }], policy: { a: 1 } });
    await store.saveSettings({ policy: { a: 2 } });
    expect(await store.getSetting('areas')).toEqual([{ code: '1', name: 'x' }]);
    expect(await store.getSetting('policy')).toEqual({ a: 2 });
    // The second value cannot be written: the first is rolled back with it.
    await expect(store.saveSettings({ areas: ['changed'], policy: { big: 1n } })).rejects.toMatchObject({
      message: expect.stringMatching(/BigInt/),
    });
    expect(await store.getSetting('areas')).toEqual([{ code: '1', name: 'x' }]);

    const url = 'https://example.invalid/feed.xml';
    expect(await store.feedState(url)).toEqual({ etag: null, lastModified: null, lastSuccessAt: null, failures: 0 });
    // Failed before it was ever read: stored for the hubs that do not poll.
    await store.feedFailed(url, 1);
    expect(await store.feedState(url)).toEqual({ etag: null, lastModified: null, lastSuccessAt: null, failures: 1 });
    await store.saveFeedState(url, { etag: '"a"', lastModified: 'Mon', lastSuccessAt: 5 });
    await store.feedFailed(url, 1);
    await store.feedFailed(url, 2);
    expect(await store.feedState(url)).toEqual({ etag: '"a"', lastModified: 'Mon', lastSuccessAt: 5, failures: 2 });
    await expect(store.feedFailed(url, -1)).rejects.toMatchObject({ message: expect.stringMatching(/check/i) });
    // A success: the failures in a row are over.
    await store.saveFeedState(url, { etag: '"b"', lastModified: null, lastSuccessAt: 6 });
    expect(await store.feedState(url)).toEqual({ etag: '"b"', lastModified: null, lastSuccessAt: 6, failures: 0 });
    await store.markEntryFetched('old', 10);
    await store.markEntryFetched('old', 20);
    await store.markEntryFetched('new', 30);
    expect([await store.entryFetched('old'), await store.entryFetched('new'), await store.entryFetched('x')]).toEqual([
      true,
      true,
      false,
    ]);
    await store.pruneEntries(15);
    expect([await store.entryFetched('old'), await store.entryFetched('new')]).toEqual([false, true]);
  });
});
