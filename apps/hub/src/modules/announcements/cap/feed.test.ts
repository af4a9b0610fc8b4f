/** The CAP feed out: live public announcements as CAP 1.2 Atom entries, nothing private, conditional GETs. */
import type { Announcement, CreateAnnouncementBody } from '@tsunagu/protocol';
import { FakeClock } from '../../../lib/clock';
import { as, createTestHub, sessionFor, type TestHub } from '../../../testing/harness';
import { parseCap } from './parse';

describe('GET /api/cap/feed', () => {
  let hub: TestHub;
  let clock: FakeClock;
  beforeAll(async () => {
    clock = new FakeClock(Date.parse('2026-01-05T00:00:00Z'));
    hub = await createTestHub({ clock });
  });
  afterAll(() => hub.close());

  const send = async (body: Partial<CreateAnnouncementBody>) => {
    const res = await as(
      hub,
      sessionFor(hub, hub.fixture.users.cityhall),
    )({
      method: 'POST',
      url: '/api/announcements',
      payload: { kind: 'routine', titleJa: 'お知らせ', bodyJa: '本文', target: { type: 'all' }, ...body },
    });
    expect(res.statusCode).toBe(201);
    return res.json<Announcement>();
  };
  const alerts = (feed: string) => [...feed.matchAll(/<alert [\s\S]*?<\/alert>/g)].map((m) => parseCap(m[0]));

  it('lists the live public announcements as valid CAP 1.2, and nothing private or drilled', async () => {
    const emergency = await send({
      kind: 'emergency',
      titleJa: '避難指示',
      bodyJa: '高台へ避難してください。',
      titleEn: 'Evacuate',
      bodyEn: 'Go to high ground.',
      confirmWholeCity: true,
    });
    const district = await send({
      titleJa: '断水',
      target: { type: 'districts', districtIds: [hub.fixture.districts[0]!] },
    });
    const household = await send({
      titleJa: '世帯1さんへ',
      bodyJa: '東京都三鷹市 1-1-1 の世帯1さん、お元気ですか。',
      target: { type: 'households', householdIds: [hub.fixture.households[0]!] },
    });
    const group = await send({ titleJa: '要支援の方へ', target: { type: 'groups', groups: ['needs_assistance'] } });
    const drill = await send({ titleJa: '防災訓練', test: true });
    const withdrawn = await send({ titleJa: '取り消すお知らせ' });
    await as(
      hub,
      sessionFor(hub, hub.fixture.users.cityhall),
    )({
      method: 'POST',
      url: `/api/announcements/${withdrawn.id}/cancel`,
    });
    const soon = await send({ titleJa: 'すぐ期限切れ', expiresAt: new Date(clock.now() + 60_000).toISOString() });
    clock.advance(120_000);

    const res = await hub.app.inject({ method: 'GET', url: '/api/cap/feed' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/atom+xml; charset=utf-8');
    const feed = res.body;
    const list = alerts(feed);
    expect(list.map((a) => [a.identifier, a.msgType, a.status])).toEqual([
      [`tsunagu-${withdrawn.id}-cancel`, 'Cancel', 'Actual'],
      [`tsunagu-${district.id}`, 'Alert', 'Actual'],
      [`tsunagu-${emergency.id}`, 'Alert', 'Actual'],
    ]);
    expect(list[2]!.infos.map((i) => [i.language, i.headline, i.urgency, i.severity])).toEqual([
      ['ja-JP', '避難指示', 'Immediate', 'Extreme'],
      ['en-US', 'Evacuate', 'Immediate', 'Extreme'],
    ]);
    expect(list[1]!.infos[0]!.areas[0]!.areaDesc).toBe('大沢');
    for (const hidden of [household, group, drill, soon]) expect(feed).not.toContain(hidden.titleJa);
    expect(feed).not.toContain('三鷹市 1-1-1');
    expect(feed).toContain(`<link rel="alternate" type="application/cap+xml" href="http://`);

    // One alert on its own; what is not in the feed does not exist there.
    const one = await hub.app.inject({ method: 'GET', url: `/api/cap/alerts/${emergency.id}` });
    expect(parseCap(one.body).identifier).toBe(`tsunagu-${emergency.id}`);
    for (const id of [household.id, group.id, drill.id, soon.id, 987654])
      expect((await hub.app.inject({ method: 'GET', url: `/api/cap/alerts/${id}` })).statusCode).toBe(404);
  });

  it('answers 304 to a reader that already has it', async () => {
    const first = await hub.app.inject({ method: 'GET', url: '/api/cap/feed' });
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"/);
    const again = await hub.app.inject({ method: 'GET', url: '/api/cap/feed', headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    // A withdrawn alert leaves the feed a day after its Cancel.
    clock.advance(24 * 3_600_000 + 1000);
    const later = await hub.app.inject({ method: 'GET', url: '/api/cap/feed', headers: { 'if-none-match': etag } });
    expect(later.statusCode).toBe(200);
    expect(alerts(later.body).map((a) => a.msgType)).toEqual(['Alert', 'Alert']);
  });
});
