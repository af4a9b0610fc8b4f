/**
 * POST /api/jma end to end: every sample for the demo city and two coastal cities (replayed in the
 * order JMA sent them), chains (取消, later serials, superseded), duplicates, 試験 and 訓練, the
 * age limit on the fake clock, tsunami lifts, terminals, and hostile XML.
 */
import type { JmaAnnounced, JmaNotAnnounced, JmaTelegramRecord, TerminalAnnouncement } from '@tsunagu/protocol';
import { FakeClock } from '../../lib/clock';
import { as, connectTerminal, createTestHub, enrollTerminal, nextEvent, sessionFor } from '../../testing/harness';
import { editTelegram, JMA_CITIES, jmaSample, reportTime } from '../../testing/jma';
import type { AnnouncementsService } from '../announcements';
import { parseAreas } from './areas';

type Reply = JmaAnnounced | JmaNotAnnounced;

async function gateway(areas: string, at: number, maxAgeSeconds = 600) {
  const clock = new FakeClock(at);
  const hub = await createTestHub({
    clock,
    config: { jma: { areas: parseAreas(areas).areas, maxAgeSeconds, feeds: [], pollSeconds: 60 } },
  });
  const { key } = await hub.services.accounts.createApiKey('j-alert', 'cityhall', null);
  const post = async (xml: string | Buffer, contentType = 'application/xml') => {
    const res = await as(hub, { bearer: key })({
      method: 'POST',
      url: '/api/jma',
      headers: { 'content-type': contentType },
      payload: xml,
    });
    return { status: res.statusCode, body: res.json() as Reply & { error?: { code: string; details?: unknown[] } } };
  };
  const announcements = hub.capabilities.announcements as AnnouncementsService;
  const records = async () => {
    const res = await as(
      hub,
      sessionFor(hub, hub.fixture.users.cityhall),
    )({ method: 'GET', url: '/api/jma/telegrams' });
    return (res.json() as { telegrams: JmaTelegramRecord[] }).telegrams;
  };
  return { hub, clock, post, announcements, records };
}

/** The samples in the order JMA issued them (the 2008 岩手・宮城内陸地震 series first). */
const CHRONOLOGICAL = [
  '36_02_01_100915_VXSE41.xml',
  '37_02_01_100915_VXSE40.xml',
  '32-35_06_03_100915_VXSE53.xml',
  '37_02_03_100915_VXSE40.xml',
  '32-35_06_06_100915_VXSE53.xml',
  '54_01_01_100514_VXSE42.xml',
  '32-35_01_01_100806_VXSE51.xml',
  '32-39_11_01_120615_VXSE51.xml',
  '32-39_11_02_120615_VTSE41.xml',
  '32-39_13_02_191025_VTSE41.xml',
  '20220918171502_07401528_VTSE41.xml',
  '20240116184225_02245216_VXSE43.xml',
];

describe('POST /api/jma: every sample, replayed in the order JMA sent them (TSUNAGU_JMA_MAX_AGE=0)', () => {
  const replay = async (city: string) => {
    const g = await gateway(city, Date.parse('2026-01-05T00:00:00Z'), 0);
    const out: string[] = [];
    try {
      for (const file of CHRONOLOGICAL) {
        const r = await g.post(jmaSample(file));
        const code = (await g.records())[0]!.reasonCode;
        out.push(`${file} ${r.status} ${r.body.result} ${code}`);
      }
      return { out, g };
    } finally {
      await g.hub.close();
    }
  };

  it('the demo city (Mitaka, inland: quake:351,city:1320400) announces none of them', async () => {
    const { out } = await replay(JMA_CITIES.mitaka);
    expect(out).toEqual([
      '36_02_01_100915_VXSE41.xml 200 ignored EEW_FORECAST',
      '37_02_01_100915_VXSE40.xml 200 ignored EEW_NOT_FOR_CITY',
      '32-35_06_03_100915_VXSE53.xml 200 ignored INTENSITY_BELOW',
      '37_02_03_100915_VXSE40.xml 200 ignored CANCEL_NOTHING',
      '32-35_06_06_100915_VXSE53.xml 200 ignored CANCEL_NOTHING',
      '54_01_01_100514_VXSE42.xml 200 ignored TEST_STATUS',
      '32-35_01_01_100806_VXSE51.xml 200 ignored INTENSITY_BELOW',
      '32-39_11_01_120615_VXSE51.xml 200 ignored INTENSITY_NOT_REPORTED',
      '32-39_11_02_120615_VTSE41.xml 200 ignored NO_TSUNAMI_AREAS',
      '32-39_13_02_191025_VTSE41.xml 200 ignored NO_TSUNAMI_AREAS',
      '20220918171502_07401528_VTSE41.xml 200 ignored NO_TSUNAMI_AREAS',
      '20240116184225_02245216_VXSE43.xml 200 ignored EEW_NOT_FOR_CITY',
    ]);
  });

  it('a coastal city in the 2008 and 2011 quakes (Ishinomaki) gets the EEW, the intensity, its withdrawal and the 大津波警報', async () => {
    const { out } = await replay(JMA_CITIES.ishinomaki);
    expect(out).toEqual([
      '36_02_01_100915_VXSE41.xml 200 ignored EEW_FORECAST',
      '37_02_01_100915_VXSE40.xml 201 announced EEW_COVERS_CITY',
      // The observed intensity replaces the early warning for the same earthquake.
      '32-35_06_03_100915_VXSE53.xml 201 announced INTENSITY_EMERGENCY',
      '37_02_03_100915_VXSE40.xml 200 ignored CANCEL_NOTHING',
      '32-35_06_06_100915_VXSE53.xml 200 withdrawn CANCELLED',
      '54_01_01_100514_VXSE42.xml 200 ignored TEST_STATUS',
      '32-35_01_01_100806_VXSE51.xml 200 ignored INTENSITY_NOT_REPORTED',
      '32-39_11_01_120615_VXSE51.xml 201 announced INTENSITY_EMERGENCY',
      '32-39_11_02_120615_VTSE41.xml 201 announced TSUNAMI_MAJOR',
      '32-39_13_02_191025_VTSE41.xml 200 ignored TSUNAMI_NOT_FOR_CITY',
      '20220918171502_07401528_VTSE41.xml 200 ignored TSUNAMI_NOT_FOR_CITY',
      '20240116184225_02245216_VXSE43.xml 200 ignored EEW_NOT_FOR_CITY',
    ]);
  });

  it('a city on Tokyo Bay (Koto) gets intensity 4 as important and the tsunami drill as a drill', async () => {
    const { out } = await replay(JMA_CITIES.koto);
    expect(out).toEqual([
      '36_02_01_100915_VXSE41.xml 200 ignored EEW_FORECAST',
      '37_02_01_100915_VXSE40.xml 200 ignored EEW_NOT_FOR_CITY',
      '32-35_06_03_100915_VXSE53.xml 200 ignored INTENSITY_BELOW',
      '37_02_03_100915_VXSE40.xml 200 ignored CANCEL_NOTHING',
      '32-35_06_06_100915_VXSE53.xml 200 ignored CANCEL_NOTHING',
      '54_01_01_100514_VXSE42.xml 200 ignored TEST_STATUS',
      '32-35_01_01_100806_VXSE51.xml 201 announced INTENSITY_IMPORTANT',
      '32-39_11_01_120615_VXSE51.xml 200 ignored INTENSITY_NOT_REPORTED',
      '32-39_11_02_120615_VTSE41.xml 200 ignored TSUNAMI_FORECAST',
      '32-39_13_02_191025_VTSE41.xml 201 announced TSUNAMI_ADVISORY',
      '20220918171502_07401528_VTSE41.xml 200 ignored TSUNAMI_NOT_FOR_CITY',
      '20240116184225_02245216_VXSE43.xml 200 ignored EEW_NOT_FOR_CITY',
    ]);
  });
});

describe('POST /api/jma: chains, duplicates, status and the age limit', () => {
  const EEW = jmaSample('37_02_01_100915_VXSE40.xml');
  const EEW_CANCEL = jmaSample('37_02_03_100915_VXSE40.xml');
  const at = reportTime(EEW) + 2_000;
  let g: Awaited<ReturnType<typeof gateway>>;
  afterEach(() => g.hub.close());

  it('announces an EEW to terminals at once, and its 取消 withdraws it from them', async () => {
    g = await gateway(JMA_CITIES.ishinomaki, at);
    const url = await g.hub.listen();
    const terminal = await connectTerminal(url, (await enrollTerminal(g.hub, g.hub.fixture.households[0]!)).credential);
    try {
      const published = nextEvent<TerminalAnnouncement>(terminal, 'announcement:published');
      const r = await g.post(EEW);
      expect(r.status).toBe(201);
      const shown = await published;
      const id = (r.body as JmaAnnounced).announcementId;
      expect(shown).toMatchObject({
        id,
        kind: 'emergency',
        test: false,
        tone: 'eew',
        // JMA's alerts sound at the national level on terminals, above the city's own.
        source: 'jma',
        titleJa: '緊急地震速報　強いゆれに注意',
      });
      expect(shown.bodyJa).toBe(
        '大きな地震です。強くゆれます。頭を守ってください。じょうぶな机の下に入ってください。ゆれがおさまるまで、外に出ないでください。',
      );
      const a = await g.announcements.get(id);
      expect(a).toMatchObject({
        status: 'published',
        createdBy: 'system:jma',
        source: 'jma',
        target: { type: 'all' },
      });
      expect(a.capSignature).toBeUndefined();

      g.clock.set(reportTime(EEW_CANCEL) + 1_000);
      const withdrawn = nextEvent<{ id: number; reason: string }>(terminal, 'announcement:withdrawn');
      const c = await g.post(EEW_CANCEL);
      expect(c).toMatchObject({ status: 200, body: { result: 'withdrawn', withdrawnIds: [id] } });
      expect(await withdrawn).toEqual({ id, reason: 'cancelled' });
      expect((await g.announcements.get(id)).status).toBe('cancelled');
      const [cancelRecord, eewRecord] = await g.records();
      expect(cancelRecord).toMatchObject({ decision: 'withdrawn', withdrawnIds: [id], infoType: 'cancel' });
      expect(eewRecord).toMatchObject({ decision: 'announced', announcementId: id, kind: 'eew', serial: 1 });
      expect(eewRecord!.reasonJa).toContain('確認なしで配信');
    } finally {
      terminal.close();
    }
  });

  it('a later serial updates the same announcement; an older serial arriving late is superseded', async () => {
    g = await gateway(JMA_CITIES.ishinomaki, at + 10_000);
    const first = await g.post(EEW);
    const id = (first.body as JmaAnnounced).announcementId;
    const third = await g.post(editTelegram(EEW, { serial: 3, at: reportTime(EEW) + 6_000 }));
    expect(third).toMatchObject({ status: 201, body: { result: 'updated', announcementId: id } });
    expect((await g.announcements.get(id)).version).toBe(2);
    const second = await g.post(editTelegram(EEW, { serial: 2, at: reportTime(EEW) + 3_000 }));
    expect(second).toMatchObject({ status: 200, body: { result: 'ignored' } });
    expect((await g.records())[0]).toMatchObject({ decision: 'superseded', reasonCode: 'SUPERSEDED' });
    expect((await g.announcements.list(10)).filter((a) => a.createdBy === 'system:jma')).toHaveLength(1);
  });

  it('records a duplicate once: the same bytes, or the same EventID + serial sent again', async () => {
    g = await gateway(JMA_CITIES.ishinomaki, at);
    const first = await g.post(EEW);
    expect(first.status).toBe(201);
    const again = await g.post(EEW);
    expect(again).toMatchObject({
      status: 200,
      body: { result: 'duplicate', announcementId: (first.body as JmaAnnounced).announcementId },
    });
    // Re-sent through another channel with other whitespace: same type, event, serial.
    const reformatted = await g.post(EEW.replace(/\n/g, '\r\n'));
    expect(reformatted.body.result).toBe('duplicate');
    expect(await g.records()).toHaveLength(1);
    expect(await g.announcements.list(10)).toHaveLength(1);
  });

  it('never announces a telegram older than TSUNAGU_JMA_MAX_AGE (on the fake clock), and 0 turns the check off', async () => {
    g = await gateway(JMA_CITIES.ishinomaki, reportTime(EEW) + 601_000);
    const old = await g.post(EEW);
    expect(old).toMatchObject({ status: 200, body: { result: 'ignored' } });
    expect(old.body.reasonJa).toContain('601秒');
    expect((await g.records())[0]).toMatchObject({ decision: 'too_old', reasonCode: 'TOO_OLD' });
    expect(await g.announcements.list(10)).toHaveLength(0);
    // 599 s: still in time.
    const fresh = editTelegram(EEW, { eventId: '20080614084351', at: g.clock.now() - 599_000 });
    expect((await g.post(fresh)).status).toBe(201);
    await g.hub.close();

    g = await gateway(JMA_CITIES.ishinomaki, Date.parse('2026-01-05T00:00:00Z'), 0);
    expect((await g.post(EEW)).status).toBe(201);
  });

  it('試験 is recorded and never announced; 訓練 is announced as a drill', async () => {
    g = await gateway(JMA_CITIES.ishinomaki, at);
    const test = await g.post(editTelegram(EEW, { status: '試験' }));
    expect(test).toMatchObject({ status: 200, body: { result: 'ignored' } });
    expect((await g.records())[0]).toMatchObject({ mode: 'test', decision: 'test' });
    const drill = await g.post(editTelegram(EEW, { status: '訓練' }));
    expect(drill.status).toBe(201);
    const a = await g.announcements.get((drill.body as JmaAnnounced).announcementId);
    // The terminal heads a drill 訓練 and says 「これは訓練です」; the alert keeps its priority.
    expect(a).toMatchObject({ test: true, kind: 'emergency', titleJa: '緊急地震速報　強いゆれに注意' });
    // The live telegrams of the same event make their own chain: a live 取消 never touches the drill.
    const live = await g.post(EEW);
    const liveId = (live.body as JmaAnnounced).announcementId;
    expect(live).toMatchObject({ status: 201, body: { result: 'announced' } });
    expect((await g.post(EEW_CANCEL)).body).toMatchObject({ result: 'withdrawn', withdrawnIds: [liveId] });
    expect((await g.announcements.get(a.id)).status).toBe('published');
    expect((await g.post(editTelegram(EEW_CANCEL, { status: '訓練' }))).body).toMatchObject({
      result: 'withdrawn',
      withdrawnIds: [a.id],
    });
  });

  it('withdraws a tsunami alert when it is lifted and announces a routine all-clear', async () => {
    const advisory = editTelegram(jmaSample('32-39_13_02_191025_VTSE41.xml'), { status: '通常' });
    g = await gateway(JMA_CITIES.koto, reportTime(advisory) + 5_000);
    const r = await g.post(advisory);
    expect(r).toMatchObject({ status: 201, body: { result: 'announced' } });
    const alertId = (r.body as JmaAnnounced).announcementId;
    expect(await g.announcements.get(alertId)).toMatchObject({
      kind: 'important',
      titleJa: '津波注意報　海から離れて',
    });
    // JMA lifts it: the same event, 東京湾内湾 津波注意報解除 (the 2022 lift's structure for this area).
    const lift = editTelegram(jmaSample('20220918171502_07401528_VTSE41.xml'), {
      eventId: '20181204180000',
      at: g.clock.now() + 3_600_000,
    }).replace('<Name>宮古島・八重山地方</Name><Code>802</Code>', '<Name>東京湾内湾</Name><Code>312</Code>');
    g.clock.advance(3_600_000 + 10_000);
    const lifted = await g.post(lift);
    expect(lifted).toMatchObject({ status: 201, body: { result: 'all_clear', withdrawnIds: [alertId] } });
    const clear = await g.announcements.get((lifted.body as JmaAnnounced).announcementId);
    expect(clear).toMatchObject({ kind: 'routine', titleJa: '津波注意報は解除されました', status: 'published' });
    expect(clear.bodyJa).toContain('東京湾内湾の津波注意報は解除されました。');
    expect((await g.announcements.get(alertId)).status).toBe('cancelled');
  });
  it('a tsunami lift sent under a longer EventID (a second earthquake joined the warnings) still lifts the alert', async () => {
    const advisory = editTelegram(jmaSample('32-39_13_02_191025_VTSE41.xml'), { status: '通常' });
    g = await gateway(JMA_CITIES.koto, reportTime(advisory) + 5_000);
    const alertId = ((await g.post(advisory)).body as JmaAnnounced).announcementId;
    // JMA's EventID of a tsunami telegram lists every earthquake behind the warnings in force.
    const longId = Array.from({ length: 6 }, (_, i) => `2018120418${String(i * 5).padStart(2, '0')}00`).join(' ');
    const lift = editTelegram(jmaSample('20220918171502_07401528_VTSE41.xml'), {
      eventId: longId,
      at: g.clock.now() + 3_600_000,
    }).replace('<Name>宮古島・八重山地方</Name><Code>802</Code>', '<Name>東京湾内湾</Name><Code>312</Code>');
    g.clock.advance(3_600_000 + 10_000);
    const lifted = await g.post(lift);
    expect(lifted).toMatchObject({ status: 201, body: { result: 'all_clear', withdrawnIds: [alertId] } });
    expect((await g.announcements.get(alertId)).status).toBe('cancelled');
  });
});

describe('POST /api/jma: bad and hostile documents get a named 4xx, never a 5xx, and are not recorded', () => {
  let g: Awaited<ReturnType<typeof gateway>>;
  beforeAll(async () => {
    g = await gateway(JMA_CITIES.mitaka, Date.parse('2026-01-05T00:00:00Z'));
  });
  afterAll(() => g.hub.close());
  const EEW = jmaSample('37_02_01_100915_VXSE40.xml');
  const head = '<?xml version="1.0" encoding="UTF-8"?>\n';

  it.each([
    ['a DTD', `${head}<!DOCTYPE Report [<!ELEMENT Report ANY>]>${EEW.slice(head.length)}`, 400, 'JMA_DTD_FORBIDDEN'],
    [
      'an entity (billion laughs)',
      `${head}<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><r>&b;</r>`,
      400,
      'JMA_DTD_FORBIDDEN',
    ],
    ['an external entity', `${head}<!DOCTYPE r SYSTEM "file:///etc/passwd"><r/>`, 400, 'JMA_DTD_FORBIDDEN'],
    ['deep nesting', `${head}${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}`, 400, 'JMA_TOO_DEEP'],
    ['not XML', 'this is not xml <', 400, 'JMA_NOT_XML'],
    ['malformed XML', `${head}<Report><Control></Report>`, 400, 'JMA_NOT_XML'],
    ['CAP instead of JMA', `${head}<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"/>`, 400, 'JMA_INVALID'],
    ['a bad status', EEW.replace('<Status>通常</Status>', '<Status>本番</Status>'), 400, 'JMA_INVALID'],
    ['no EventID', EEW.replace(/<EventID>[^<]*<\/EventID>/, ''), 400, 'JMA_INVALID'],
    ['a bad report time', EEW.replace(/<ReportDateTime>[^<]*</, '<ReportDateTime>yesterday<'), 400, 'JMA_INVALID'],
    ['an unknown encoding', EEW.replace('UTF-8', 'x-klingon'), 400, 'JMA_ENCODING_UNSUPPORTED'],
  ])('%s', async (_name, body, status, code) => {
    const r = await g.post(body);
    expect(r.status).toBe(status);
    expect(r.body.error?.code).toBe(code);
    expect(await g.records()).toHaveLength(0);
  });

  it('a huge document: 413', async () => {
    const huge = `${head}<Report xmlns="http://xml.kishou.go.jp/jmaxml1/">${'<x/>'.repeat(600_000)}</Report>`;
    const r = await g.post(huge);
    expect(r.status).toBe(413);
    expect(r.body.error?.code).toBe('BODY_TOO_LARGE');
  });

  it('another content type: 415; an empty body: 400', async () => {
    expect((await g.post(EEW, 'text/plain')).status).toBe(415);
    expect((await g.post('')).body.error?.code).toBe('JMA_NOT_XML');
  });

  it('names each missing part', async () => {
    const r = await g.post(EEW.replace(/<EventID>[^<]*<\/EventID>/, '').replace('<InfoType>発表', '<InfoType>速報'));
    expect(r.body.error?.details).toEqual([
      { path: 'Report.Head.EventID', message: 'is required but missing' },
      { path: 'Report.Head.InfoType', message: '"速報" is not 発表, 訂正, 遅延 or 取消' },
    ]);
  });
});
