/** The CAP gateway: the shared samples, Update/Cancel chains, duplicates, Test status, encodings and hostile XML. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FakeClock } from '../../lib/clock';
import { as, createTestHub, login, type TestHub } from '../../testing/harness';
import { decodeXmlBody } from './cap/decode';
import { capToAnnouncement, kindOfInfo } from './cap/map';
import { parseCap } from './cap/parse';
import type { AnnouncementsService } from './service';

const TESTDATA = path.join(__dirname, 'testdata');
const sample = (name: string) => fs.readFileSync(path.join(TESTDATA, name));

interface Gateway {
  hub: TestHub;
  /** Posts as the API key of the message's own sender (one per sender, allowed to publish by itself). */
  post(body: string | Buffer, contentType?: string): ReturnType<ReturnType<typeof as>>;
  dispose(): Promise<void>;
}

async function gateway(at = '2010-08-30T12:00:00Z'): Promise<Gateway> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cap-'));
  // The samples are real alerts from 2010-2011: replay them at the time they were issued.
  const hub = await createTestHub({ clock: new FakeClock(Date.parse(at)), config: { dataDir } });
  const svc = hub.capabilities.announcements as AnnouncementsService;
  const keys = new Map<string, string>();
  // Each alerting system has its own key, bound by city hall to its CAP sender (policy.test.ts
  // covers keys speaking for other senders and keys whose alerts are held).
  const keyFor = (sender: string) => {
    let key = keys.get(sender);
    if (!key) {
      const created = hub.services.accounts.createApiKey(`feed ${keys.size}`, 'cityhall', null);
      svc.setSenderPolicy(created.id, { capSender: sender, publish: 'auto' }, 'test');
      key = created.key;
      keys.set(sender, key);
    }
    return key;
  };
  return {
    hub,
    post: (body, contentType = 'application/cap+xml') => {
      const sender = /<(?:\w+:)?sender>([^<\s]+)</.exec(body.toString('latin1'))?.[1] ?? 'jma@example.jp';
      return as(hub, { bearer: keyFor(sender) })({
        method: 'POST',
        url: '/api/cap',
        headers: { 'content-type': contentType },
        payload: body,
      });
    },
    async dispose() {
      await hub.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function cap(opts: {
  identifier?: string;
  sender?: string;
  status?: string;
  msgType?: string;
  references?: string;
  urgency?: string;
  severity?: string;
  certainty?: string;
  areaDesc?: string;
  geocode?: string;
  expires?: string;
  headline?: string;
  prefix?: string;
  ns?: string;
  encoding?: string;
  language?: string;
  event?: string;
  description?: string;
  /** Raw XML added inside <area> (polygons, circles). */
  areaXml?: string;
}): string {
  const p = opts.prefix ? `${opts.prefix}:` : '';
  const xmlns = opts.prefix ? `xmlns:${opts.prefix}` : 'xmlns';
  const el = (name: string, value: string | undefined) =>
    value === undefined ? '' : `<${p}${name}>${value}</${p}${name}>`;
  return `<?xml version="1.0" encoding="${opts.encoding ?? 'UTF-8'}"?>
<${p}alert ${xmlns}="${opts.ns ?? 'urn:oasis:names:tc:emergency:cap:1.2'}">
${el('identifier', opts.identifier ?? 'JMA-0001')}
${el('sender', opts.sender ?? 'jma@example.jp')}
${el('sent', '2026-01-05T09:00:00+09:00')}
${el('status', opts.status ?? 'Actual')}
${el('msgType', opts.msgType ?? 'Alert')}
${el('scope', 'Public')}
${el('references', opts.references)}
<${p}info>
${el('language', opts.language ?? 'ja-JP')}
${el('category', 'Met')}
${el('event', opts.event ?? '大雨')}
${el('urgency', opts.urgency ?? 'Immediate')}
${el('severity', opts.severity ?? 'Extreme')}
${el('certainty', opts.certainty ?? 'Observed')}
${el('expires', opts.expires)}
${el('headline', opts.headline ?? '大雨特別警報')}
${el('description', opts.description ?? '命を守る行動をとってください。')}
<${p}area>${el('areaDesc', opts.areaDesc ?? '東京都三鷹市')}${opts.areaXml ?? ''}${opts.geocode ? `<${p}geocode><${p}valueName>JIS</${p}valueName><${p}value>${opts.geocode}</${p}value></${p}geocode>` : ''}</${p}area>
</${p}info>
</${p}alert>`;
}

describe('CAP gateway: the shared samples (testdata/README.md)', () => {
  // A fresh hub per sample: earthquake.cap and no_optional_fields.cap share an identifier.
  let g: Gateway;
  beforeEach(async () => {
    g = await gateway();
  });
  afterEach(() => g.dispose());

  it('accepts earthquake.cap (CAP 1.1, one info block) and announces it', async () => {
    const res = await g.post(sample('earthquake.cap'));
    expect(res.statusCode).toBe(201);
    const { announcementId } = res.json() as { announcementId: number };
    const svc = g.hub.capabilities.announcements as AnnouncementsService;
    const a = svc.get(announcementId);
    expect(a.titleJa).toBe('EQ 6.3 Neiafu, Tonga - PRELIMINARY REPORT');
    // Urgency Past: a report, not a warning.
    expect(a.kind).toBe('routine');
    expect(a.status).toBe('published');
    expect(a.source).toBe('cap');
    // Tonga matches no district: all terminals.
    expect(a.target).toEqual({ type: 'all' });
    expect(a.counts.targeted).toBe(3);
  });

  it('accepts weather.cap (NWS flash flood watch) as an important announcement', async () => {
    const res = await g.post(sample('weather.cap'), 'application/xml');
    expect(res.statusCode).toBe(201);
    const a = (g.hub.capabilities.announcements as AnnouncementsService).get(
      (res.json() as { announcementId: number }).announcementId,
    );
    expect(a.kind).toBe('important');
    expect(a.bodyJa).toContain('FLASH FLOOD WATCH REMAINS IN EFFECT');
    expect(a.expiresAt).toBe(new Date('2010-08-30T18:00:00Z').toISOString());
  });

  it('accepts no_optional_fields.cap as valid CAP with nothing to announce', async () => {
    const res = await g.post(sample('no_optional_fields.cap'));
    expect(res.statusCode).toBe(200);
    expect((res.json() as { reason: string }).reason).toMatch(/no info block/);
  });

  it('rejects invalid.cap, naming the missing scope', async () => {
    const res = await g.post(sample('invalid.cap'));
    expect(res.statusCode).toBe(400);
    const body = res.json() as { error: { code: string; details: { path: string; message: string }[] } };
    expect(body.error.code).toBe('CAP_INVALID');
    expect(body.error.details).toEqual([{ path: 'alert.scope', message: 'is required but missing' }]);
  });

  it('rejects noaa_errors.cap, naming the empty references and each empty urgency/severity/certainty', async () => {
    const res = await g.post(sample('noaa_errors.cap'));
    expect(res.statusCode).toBe(400);
    const body = res.json() as { error: { code: string; details: { path: string; message: string }[] } };
    expect(body.error.code).toBe('CAP_INVALID');
    const paths = body.error.details.map((d) => d.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'alert.references',
        'alert.info[0].urgency',
        'alert.info[0].severity',
        'alert.info[0].certainty',
      ]),
    );
    for (const d of body.error.details) expect(d.message.length).toBeGreaterThan(5);
  });

  it('stores nothing for a rejected message', async () => {
    const svc = g.hub.capabilities.announcements as AnnouncementsService;
    const before = svc.list(200).length;
    await g.post(sample('invalid.cap'));
    await g.post(sample('noaa_errors.cap'));
    expect(svc.list(200).length).toBe(before);
  });
});

describe('CAP gateway: chains, duplicates, tests, areas', () => {
  let g: Gateway;
  let svc: AnnouncementsService;
  beforeEach(async () => {
    g = await gateway('2026-01-05T00:00:00Z');
    svc = g.hub.capabilities.announcements as AnnouncementsService;
  });
  afterEach(() => g.dispose());

  it('maps an Immediate/Extreme/Observed alert to an emergency and answers 201', async () => {
    const res = await g.post(cap({}));
    expect(res.statusCode).toBe(201);
    expect(svc.get((res.json() as { announcementId: number }).announcementId)).toMatchObject({
      kind: 'emergency',
      test: false,
      titleJa: '大雨特別警報',
    });
  });

  it('does not announce a repeated (sender, identifier) twice', async () => {
    const first = await g.post(cap({}));
    const again = await g.post(cap({}));
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({
      reason: expect.stringMatching(/Duplicate/),
      announcementId: (first.json() as { announcementId: number }).announcementId,
    });
    expect(svc.list(10)).toHaveLength(1);
    // The same identifier from another sender is another message.
    expect((await g.post(cap({ sender: 'pref@example.jp' }))).statusCode).toBe(201);
  });

  it('marks Test and Exercise messages as drills, keeping their kind (an emergency drill stays an emergency)', async () => {
    for (const [status, identifier] of [
      ['Test', 'T-1'],
      ['Exercise', 'E-1'],
    ]) {
      const res = await g.post(cap({ status, identifier }));
      expect(res.statusCode).toBe(201);
      const a = svc.get((res.json() as { announcementId: number }).announcementId);
      expect(a.test).toBe(true);
      expect(a.kind).toBe('emergency');
    }
  });

  it('does not announce Draft or System messages, or Ack', async () => {
    expect((await g.post(cap({ status: 'Draft', identifier: 'D' }))).statusCode).toBe(200);
    expect((await g.post(cap({ status: 'System', identifier: 'S' }))).statusCode).toBe(200);
    const ack = await g.post(
      cap({ msgType: 'Ack', identifier: 'A', references: 'jma@example.jp,X,2026-01-05T09:00:00+09:00' }),
    );
    expect(ack.statusCode).toBe(200);
    expect(svc.list(10)).toHaveLength(0);
  });

  it('applies an Update to the referenced announcement, then a Cancel referencing the Update cancels it', async () => {
    const created = (
      await g.post(cap({ identifier: 'A1', urgency: 'Expected', severity: 'Moderate', certainty: 'Likely' }))
    ).json() as { announcementId: number };
    expect(svc.get(created.announcementId)).toMatchObject({ kind: 'important', version: 1 });

    const update = await g.post(
      cap({
        identifier: 'A2',
        msgType: 'Update',
        references: 'jma@example.jp,A1,2026-01-05T09:00:00+09:00',
        headline: '大雨特別警報に切り替え',
      }),
    );
    expect(update.statusCode).toBe(201);
    expect(update.json()).toEqual({ announcementId: created.announcementId });
    expect(svc.get(created.announcementId)).toMatchObject({
      kind: 'emergency',
      version: 2,
      titleJa: '大雨特別警報に切り替え',
      status: 'published',
    });
    expect(svc.list(10)).toHaveLength(1);

    const cancel = await g.post(
      cap({ identifier: 'A3', msgType: 'Cancel', references: 'jma@example.jp,A2,2026-01-05T09:00:00+09:00' }),
    );
    expect(cancel.statusCode).toBe(200);
    expect(cancel.json()).toMatchObject({ announcementIds: [created.announcementId] });
    expect(svc.get(created.announcementId).status).toBe('cancelled');

    // Cancelling again has nothing left to cancel.
    const again = await g.post(
      cap({ identifier: 'A4', msgType: 'Cancel', references: 'jma@example.jp,A1,2026-01-05T09:00:00+09:00' }),
    );
    expect(again.statusCode).toBe(200);
    expect((again.json() as { reason: string }).reason).toMatch(/nothing to cancel/);
  });

  it('an Update naming a wider area reaches the new households too, and nobody loses it', async () => {
    const created = (await g.post(cap({ identifier: 'W1', areaDesc: '東部' }))).json() as { announcementId: number };
    expect(svc.get(created.announcementId).counts.targeted).toBe(1);
    const update = await g.post(
      cap({
        identifier: 'W2',
        msgType: 'Update',
        references: 'jma@example.jp,W1,2026-01-05T09:00:00+09:00',
        areaDesc: '東部 西部',
      }),
    );
    expect(update.statusCode).toBe(201);
    expect(svc.get(created.announcementId).counts.targeted).toBe(2);
    const narrower = await g.post(
      cap({
        identifier: 'W3',
        msgType: 'Update',
        references: 'jma@example.jp,W2,2026-01-05T09:00:00+09:00',
        areaDesc: '西部',
      }),
    );
    expect(narrower.statusCode).toBe(201);
    expect(svc.get(created.announcementId)).toMatchObject({ version: 3, counts: { targeted: 2 } });
  });

  it('records rejected and unannounced messages in the audit log', async () => {
    await g.post(cap({ status: 'Draft', identifier: 'AUD1' }));
    await g.post('<alert/>');
    const actions = (await g.hub.ctx.audit.list({ limit: 10 })).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['cap.not_announced', 'cap.rejected']));
  });

  it('announces an Update whose original it never saw', async () => {
    const res = await g.post(
      cap({ identifier: 'U1', msgType: 'Update', references: 'jma@example.jp,UNKNOWN,2026-01-05T09:00:00+09:00' }),
    );
    expect(res.statusCode).toBe(201);
  });

  it('refuses Update/Cancel without references, and malformed references', async () => {
    const missing = await g.post(cap({ msgType: 'Cancel' }));
    expect(missing.statusCode).toBe(400);
    expect((missing.json() as { error: { details: { path: string }[] } }).error.details).toContainEqual({
      path: 'alert.references',
      message: 'is required when msgType is Cancel',
    });
    const empty = await g.post(cap({ msgType: 'Update', references: '' }));
    expect(empty.statusCode).toBe(400);
    const bad = await g.post(cap({ msgType: 'Update', references: 'only-one-part' }));
    expect((bad.json() as { error: { details: { path: string }[] } }).error.details[0]!.path).toBe(
      'alert.references[0]',
    );
  });

  it('names every bad enumeration and date', async () => {
    const res = await g.post(
      cap({ urgency: 'Now', severity: 'Huge', certainty: 'Sure', status: 'Real', expires: '2026-01-05 10:00' }),
    );
    expect(res.statusCode).toBe(400);
    const paths = (res.json() as { error: { details: { path: string }[] } }).error.details.map((d) => d.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'alert.status',
        'alert.info[0].urgency',
        'alert.info[0].severity',
        'alert.info[0].certainty',
        'alert.info[0].expires',
      ]),
    );
  });

  it('maps areaDesc and geocode to districts, and anything else to all terminals', async () => {
    const byName = (await g.post(cap({ identifier: 'N', areaDesc: '三鷹市 東部地区' }))).json() as {
      announcementId: number;
    };
    expect(svc.get(byName.announcementId).target).toEqual({
      type: 'districts',
      districtIds: [g.hub.fixture.districts[1]],
    });
    const byCode = (await g.post(cap({ identifier: 'C', areaDesc: 'somewhere', geocode: 'seibu' }))).json() as {
      announcementId: number;
    };
    expect(svc.get(byCode.announcementId).target).toEqual({
      type: 'districts',
      districtIds: [g.hub.fixture.districts[2]],
    });
    expect(svc.get(byCode.announcementId).counts.targeted).toBe(1);
    const elsewhere = (await g.post(cap({ identifier: 'E', areaDesc: '大阪府' }))).json() as { announcementId: number };
    expect(svc.get(elsewhere.announcementId).target).toEqual({ type: 'all' });
  });

  it('maps polygons and circles to districts by their centroids, once an administrator has set them', async () => {
    const [osawa, tobu, seibu] = g.hub.fixture.districts as [number, number, number];
    const polygon = '<polygon>35.69,139.57 35.71,139.57 35.71,139.59 35.69,139.59 35.69,139.57</polygon>';
    // Without centroids the polygon cannot be placed: the whole city.
    const before = (await g.post(cap({ identifier: 'G0', areaDesc: 'Tokyo west', areaXml: polygon }))).json() as {
      announcementId: number;
    };
    expect(svc.get(before.announcementId).target).toEqual({ type: 'all' });

    const admin = await login(g.hub, 'admin');
    const centroids = [
      { districtId: osawa, lat: 35.68, lon: 139.53 },
      { districtId: tobu, lat: 35.7, lon: 139.58 },
      { districtId: seibu, lat: 35.69, lon: 139.5 },
    ];
    const cityhall = await login(g.hub, 'cityhall');
    expect(
      (
        await as(
          g.hub,
          cityhall,
        )({ method: 'PUT', url: '/api/announcements/district-centroids', payload: { centroids } })
      ).statusCode,
    ).toBe(403);
    const put = await as(
      g.hub,
      admin,
    )({ method: 'PUT', url: '/api/announcements/district-centroids', payload: { centroids } });
    expect(put.json()).toEqual({ centroids });
    const bad = await as(
      g.hub,
      admin,
    )({
      method: 'PUT',
      url: '/api/announcements/district-centroids',
      payload: { centroids: [{ districtId: 999, lat: 0, lon: 0 }] },
    });
    expect((bad.json() as { error: { code: string } }).error.code).toBe('UNKNOWN_DISTRICT');

    const inPolygon = (await g.post(cap({ identifier: 'G1', areaDesc: 'Tokyo west', areaXml: polygon }))).json() as {
      announcementId: number;
    };
    expect(svc.get(inPolygon.announcementId).target).toEqual({ type: 'districts', districtIds: [tobu] });
    const inCircle = (
      await g.post(cap({ identifier: 'G2', areaDesc: 'Tokyo west', areaXml: '<circle>35.69,139.505 1.0</circle>' }))
    ).json() as { announcementId: number };
    expect(svc.get(inCircle.announcementId).target).toEqual({ type: 'districts', districtIds: [seibu] });
    const bigCircle = (
      await g.post(cap({ identifier: 'G3', areaDesc: 'Tokyo west', areaXml: '<circle>35.69,139.54 10</circle>' }))
    ).json() as { announcementId: number };
    expect(svc.get(bigCircle.announcementId).target).toEqual({ type: 'districts', districtIds: [osawa, tobu, seibu] });
  });

  it('accepts CAP 1.1 and namespace-prefixed messages', async () => {
    expect((await g.post(cap({ identifier: 'P', prefix: 'cap' }))).statusCode).toBe(201);
    expect((await g.post(cap({ identifier: 'V', ns: 'urn:oasis:names:tc:emergency:cap:1.1' }))).statusCode).toBe(201);
    const wrongNs = await g.post(cap({ identifier: 'W', ns: 'urn:example:not-cap' }));
    expect(wrongNs.statusCode).toBe(400);
    expect((wrongNs.json() as { error: { code: string } }).error.code).toBe('CAP_INVALID');
  });

  it('decodes Shift_JIS and EUC-JP as declared', async () => {
    // Node can decode but not encode these, so the bytes of 大雨 are spliced in by hand.
    const encoded = (identifier: string, encoding: string, rain: number[]) => {
      const [before, after] = cap({
        identifier,
        encoding,
        headline: 'HEADLINE',
        event: 'rain',
        description: 'x',
        areaDesc: 'Mitaka',
      }).split('HEADLINE');
      return Buffer.concat([Buffer.from(before!, 'latin1'), Buffer.from(rain), Buffer.from(after!, 'latin1')]);
    };
    for (const [encoding, bytes] of [
      ['Shift_JIS', [0x91, 0xe5, 0x89, 0x4a]],
      ['EUC-JP', [0xc2, 0xe7, 0xb1, 0xab]],
    ] as const) {
      const res = await g.post(encoded(encoding, encoding, [...bytes]));
      expect(res.statusCode).toBe(201);
      expect(svc.get((res.json() as { announcementId: number }).announcementId).titleJa).toBe('大雨');
    }
  });

  it('refuses an unknown or lying encoding with a clear code', async () => {
    const unknown = await g.post(cap({ identifier: 'X', encoding: 'klingon-8' }));
    expect(unknown.statusCode).toBe(400);
    expect((unknown.json() as { error: { code: string } }).error.code).toBe('CAP_ENCODING_UNSUPPORTED');
    const lying = Buffer.concat([
      Buffer.from('<?xml version="1.0" encoding="UTF-8"?><alert>'),
      Buffer.from([0xff, 0xfe, 0xfd]),
      Buffer.from('</alert>'),
    ]);
    const res = await g.post(lying);
    expect(res.statusCode).toBe(400);
    expect((res.json() as { error: { code: string } }).error.code).toBe('CAP_ENCODING_INVALID');
  });

  it('expired alerts are valid but not announced', async () => {
    const res = await g.post(cap({ identifier: 'OLD', expires: '2025-12-31T00:00:00+09:00' }));
    expect(res.statusCode).toBe(200);
    expect((res.json() as { reason: string }).reason).toMatch(/expired/);
  });
});

describe('CAP gateway: hostile and wrong input', () => {
  let g: Gateway;
  beforeAll(async () => {
    g = await gateway('2026-01-05T00:00:00Z');
  });
  afterAll(() => g.dispose());
  const code = (res: { json(): unknown }) => (res.json() as { error: { code: string } }).error.code;

  it('refuses a DOCTYPE outright', async () => {
    const res = await g.post(
      `<?xml version="1.0"?><!DOCTYPE alert><alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"/>`,
    );
    expect(res.statusCode).toBe(400);
    expect(code(res)).toBe('CAP_DTD_FORBIDDEN');
  });

  it('refuses an external entity (XXE) without resolving it', async () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE alert [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${cap({})
      .replace(/^<\?xml[^>]*\?>/, '')
      .replace('大雨特別警報', '&xxe;')}`;
    const res = await g.post(xxe);
    expect(res.statusCode).toBe(400);
    expect(code(res)).toBe('CAP_DTD_FORBIDDEN');
    expect(res.body).not.toContain('root:');
  });

  it('refuses billion laughs quickly', async () => {
    const lol = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]><alert>&lol2;</alert>`;
    const started = Date.now();
    const res = await g.post(lol);
    expect(res.statusCode).toBe(400);
    expect(code(res)).toBe('CAP_DTD_FORBIDDEN');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('refuses a DOCTYPE hidden in UTF-16', async () => {
    const body = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE a><alert/>', 'utf16le'),
    ]);
    const res = await g.post(body);
    expect(res.statusCode).toBe(400);
    expect(code(res)).toBe('CAP_DTD_FORBIDDEN');
  });

  it('refuses a huge body with 413', async () => {
    const huge = cap({}).replace('命を守る行動をとってください。', 'x'.repeat(600 * 1024));
    const res = await g.post(huge);
    expect(res.statusCode).toBe(413);
    expect(code(res)).toBe('BODY_TOO_LARGE');
  });

  it('refuses a flood of info blocks and keeps the list of problems readable', async () => {
    const flood = `<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">${'<info><category>Met</category></info>'.repeat(500)}</alert>`;
    const res = await g.post(flood);
    expect(res.statusCode).toBe(400);
    expect((res.json() as { error: { details: { path: string }[] } }).error.details).toEqual([
      { path: 'alert.info', message: 'at most 32 info blocks' },
    ]);
    const many = `<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">${'<info><area><polygon></polygon></area></info>'.repeat(30)}</alert>`;
    const details = ((await g.post(many)).json() as { error: { details: { path: string; message: string }[] } }).error
      .details;
    expect(details).toHaveLength(101);
    expect(details.at(-1)!.message).toMatch(/^and \d+ more problems$/);
  });

  it('refuses absurdly deep nesting without crashing', async () => {
    const deep = `<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">${'<a>'.repeat(50_000)}${'</a>'.repeat(50_000)}</alert>`;
    const res = await g.post(deep);
    expect(res.statusCode).toBe(400);
    expect(code(res)).toBe('CAP_NOT_XML');
  });

  it('refuses the wrong content type with 415', async () => {
    expect((await g.post(cap({}), 'text/plain')).statusCode).toBe(415);
    const json = await g.post(JSON.stringify({ alert: {} }), 'application/json');
    expect(json.statusCode).toBe(415);
    expect(code(json)).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('refuses non-XML, empty bodies and a non-alert root', async () => {
    const junk = await g.post('this is not xml at all <<<');
    expect(junk.statusCode).toBe(400);
    expect(code(junk)).toBe('CAP_NOT_XML');
    const broken = await g.post('<alert><identifier>x</alert>');
    expect(code(broken)).toBe('CAP_NOT_XML');
    expect((await g.post('')).statusCode).toBe(400);
    const notAlert = await g.post('<?xml version="1.0"?><feed/>');
    expect(code(notAlert)).toBe('CAP_INVALID');
  });

  it('needs a city hall API key', async () => {
    const anon = await g.hub.app.inject({
      method: 'POST',
      url: '/api/cap',
      headers: { 'content-type': 'application/cap+xml' },
      payload: cap({}),
    });
    expect(anon.statusCode).toBe(401);
    const { key } = g.hub.services.accounts.createApiKey('shop-system', 'operator', null);
    const wrongRole = await as(g.hub, { bearer: key })({
      method: 'POST',
      url: '/api/cap',
      headers: { 'content-type': 'application/cap+xml' },
      payload: cap({}),
    });
    expect(wrongRole.statusCode).toBe(403);
  });
});

describe('CAP export: GET /api/announcements/:id/cap', () => {
  let g: Gateway;
  beforeAll(async () => {
    g = await gateway('2026-01-05T00:00:00Z');
  });
  afterAll(() => g.dispose());

  it('writes valid CAP 1.2 that our own validator accepts and that maps back to the same kind', async () => {
    const session = await login(g.hub, 'cityhall');
    for (const kind of ['emergency', 'important', 'routine'] as const) {
      const created = await as(
        g.hub,
        session,
      )({
        method: 'POST',
        url: '/api/announcements',
        payload: {
          kind,
          titleJa: '避難指示 <東部> & 西部',
          bodyJa: '高台へ避難してください。',
          titleEn: 'Evacuate',
          bodyEn: 'Go to higher ground.',
          target: { type: 'districts', districtIds: [g.hub.fixture.districts[1], g.hub.fixture.districts[2]] },
          expiresAt: '2026-01-06T00:00:00Z',
        },
      });
      expect(created.statusCode).toBe(201);
      const id = (created.json() as { id: number }).id;
      const res = await as(g.hub, session)({ method: 'GET', url: `/api/announcements/${id}/cap` });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/cap\+xml/);
      const alert = parseCap(decodeXmlBody(Buffer.from(res.body)));
      expect(alert.version).toBe('1.2');
      expect(alert).toMatchObject({ identifier: `tsunagu-${id}`, msgType: 'Alert', status: 'Actual', scope: 'Public' });
      expect(alert.sent).toMatch(/\+09:00$/);
      expect(alert.infos).toHaveLength(2);
      expect(alert.infos[0]!.headline).toBe('避難指示 <東部> & 西部');
      expect(alert.infos[0]!.areas[0]!.geocodes.map((x) => x.value)).toEqual(['tobu', 'seibu']);
      expect(alert.infos[0]!.expires).toBe('2026-01-06T09:00:00+09:00');
      expect(capToAnnouncement(alert).kind).toBe(kind);
    }
  });

  it('writes an Update after a change and a Cancel after cancelling, with references', async () => {
    const session = await login(g.hub, 'cityhall');
    const created = await as(
      g.hub,
      session,
    )({
      method: 'POST',
      url: '/api/announcements',
      payload: {
        kind: 'routine',
        titleJa: 'お知らせ',
        bodyJa: '本文',
        target: { type: 'groups', groups: ['needs_assistance'] },
      },
    });
    const id = (created.json() as { id: number }).id;
    await as(g.hub, session)({ method: 'PATCH', url: `/api/announcements/${id}`, payload: { bodyJa: '新しい本文' } });
    const upd = parseCap((await as(g.hub, session)({ method: 'GET', url: `/api/announcements/${id}/cap` })).body);
    expect(upd.msgType).toBe('Update');
    expect(upd.references).toEqual([
      { sender: upd.sender, identifier: `tsunagu-${id}`, sent: expect.stringMatching(/\+09:00$/) },
    ]);
    await as(g.hub, session)({ method: 'POST', url: `/api/announcements/${id}/cancel` });
    const can = parseCap((await as(g.hub, session)({ method: 'GET', url: `/api/announcements/${id}/cap` })).body);
    expect(can.msgType).toBe('Cancel');
    const missing = await as(g.hub, session)({ method: 'GET', url: '/api/announcements/999/cap' });
    expect(missing.statusCode).toBe(404);
  });
});

describe('CAP mapping', () => {
  it('urgency × severity × certainty → kind', () => {
    expect(kindOfInfo({ urgency: 'Immediate', severity: 'Extreme', certainty: 'Observed' })).toBe('emergency');
    expect(kindOfInfo({ urgency: 'Expected', severity: 'Severe', certainty: 'Likely' })).toBe('emergency');
    expect(kindOfInfo({ urgency: 'Expected', severity: 'Severe', certainty: 'Possible' })).toBe('important');
    expect(kindOfInfo({ urgency: 'Future', severity: 'Moderate', certainty: 'Likely' })).toBe('important');
    expect(kindOfInfo({ urgency: 'Past', severity: 'Extreme', certainty: 'Observed' })).toBe('routine');
    expect(kindOfInfo({ urgency: 'Unknown', severity: 'Minor', certainty: 'Unknown' })).toBe('routine');
  });
});
