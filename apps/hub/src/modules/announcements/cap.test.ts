/** The CAP gateway: the shared samples, Update/Cancel chains, duplicates, Test status, areas and encodings. */

import { cap, type Gateway, capReference as reference, capSample as sample, withGateway } from '../../testing/cap';
import type { AnnouncementsService } from './service';

describe('CAP gateway: the shared samples (testdata/README.md)', () => {
  // A fresh hub per sample: earthquake.cap and no_optional_fields.cap share an identifier.
  let g: Gateway;
  withGateway('each', (made) => (g = made));

  it('accepts earthquake.cap (CAP 1.1, one info block) and announces it', async () => {
    const res = await g.post(sample('earthquake.cap'));
    expect(res.statusCode).toBe(201);
    const { announcementId } = res.json() as { announcementId: number };
    const svc = g.hub.capabilities.announcements as AnnouncementsService;
    const a = await svc.get(announcementId);
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
    const a = await (g.hub.capabilities.announcements as AnnouncementsService).get(
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
    const before = (await svc.list(200)).length;
    await g.post(sample('invalid.cap'));
    await g.post(sample('noaa_errors.cap'));
    expect((await svc.list(200)).length).toBe(before);
  });
});

describe('CAP gateway: chains, duplicates, tests, areas', () => {
  let g: Gateway;
  let svc: AnnouncementsService;
  withGateway(
    'each',
    (made) => {
      g = made;
      svc = g.hub.capabilities.announcements as AnnouncementsService;
    },
    '2026-01-05T00:00:00Z',
  );

  it('maps an Immediate/Extreme/Observed alert to an emergency and answers 201', async () => {
    const res = await g.post(cap({}));
    expect(res.statusCode).toBe(201);
    expect(await svc.get((res.json() as { announcementId: number }).announcementId)).toMatchObject({
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
    expect(await svc.list(10)).toHaveLength(1);
    // The same identifier from another sender is another message.
    expect((await g.post(cap({ sender: 'pref@example.jp' }))).statusCode).toBe(201);
  });

  it('announces a message sent twice at once only once: the key decides, the other is answered as a duplicate', async () => {
    const [x, y] = await Promise.all([g.post(cap({ identifier: 'twice' })), g.post(cap({ identifier: 'twice' }))]);
    expect([x!.statusCode, y!.statusCode].sort()).toEqual([200, 201]);
    const created = [x!, y!].find((r) => r.statusCode === 201)!.json() as { announcementId: number };
    expect([x!, y!].find((r) => r.statusCode === 200)!.json()).toEqual({
      reason: expect.stringMatching(/Duplicate/),
      announcementId: created.announcementId,
    });
    expect((await svc.list(10)).map((a) => a.id)).toEqual([created.announcementId]);
  });

  it('marks Test and Exercise messages as drills, keeping their kind (an emergency drill stays an emergency)', async () => {
    for (const [status, identifier] of [
      ['Test', 'T-1'],
      ['Exercise', 'E-1'],
    ]) {
      const res = await g.post(cap({ status, identifier }));
      expect(res.statusCode).toBe(201);
      const a = await svc.get((res.json() as { announcementId: number }).announcementId);
      expect(a.test).toBe(true);
      expect(a.kind).toBe('emergency');
    }
  });

  it('does not announce Draft or System messages, or Ack', async () => {
    expect((await g.post(cap({ status: 'Draft', identifier: 'D' }))).statusCode).toBe(200);
    expect((await g.post(cap({ status: 'System', identifier: 'S' }))).statusCode).toBe(200);
    const ack = await g.post(cap({ msgType: 'Ack', identifier: 'A', references: reference('X') }));
    expect(ack.statusCode).toBe(200);
    expect(await svc.list(10)).toHaveLength(0);
  });

  it('applies an Update to the referenced announcement, then a Cancel referencing the Update cancels it', async () => {
    const created = (
      await g.post(cap({ identifier: 'A1', urgency: 'Expected', severity: 'Moderate', certainty: 'Likely' }))
    ).json() as { announcementId: number };
    expect(await svc.get(created.announcementId)).toMatchObject({ kind: 'important', version: 1 });

    const update = await g.post(
      cap({
        identifier: 'A2',
        msgType: 'Update',
        references: reference('A1'),
        headline: '大雨特別警報に切り替え',
      }),
    );
    expect(update.statusCode).toBe(201);
    expect(update.json()).toEqual({ announcementId: created.announcementId });
    expect(await svc.get(created.announcementId)).toMatchObject({
      kind: 'emergency',
      version: 2,
      titleJa: '大雨特別警報に切り替え',
      status: 'published',
    });
    expect(await svc.list(10)).toHaveLength(1);

    const cancel = await g.post(cap({ identifier: 'A3', msgType: 'Cancel', references: reference('A2') }));
    expect(cancel.statusCode).toBe(200);
    expect(cancel.json()).toMatchObject({ announcementIds: [created.announcementId] });
    expect((await svc.get(created.announcementId)).status).toBe('cancelled');

    // Cancelling again has nothing left to cancel.
    const again = await g.post(cap({ identifier: 'A4', msgType: 'Cancel', references: reference('A1') }));
    expect(again.statusCode).toBe(200);
    expect((again.json() as { reason: string }).reason).toMatch(/nothing to cancel/);
  });

  it('an Update naming a wider area reaches the new households too, and nobody loses it', async () => {
    const created = (await g.post(cap({ identifier: 'W1', areaDesc: '東部' }))).json() as { announcementId: number };
    expect((await svc.get(created.announcementId)).counts.targeted).toBe(1);
    // An Update of the message before it, over another area.
    const update = (identifier: string, before: string, areaDesc: string) =>
      g.post(cap({ identifier, msgType: 'Update', references: reference(before), areaDesc }));
    const wider = await update('W2', 'W1', '東部 西部');
    expect(wider.statusCode).toBe(201);
    expect((await svc.get(created.announcementId)).counts.targeted).toBe(2);
    const narrower = await update('W3', 'W2', '西部');
    expect(narrower.statusCode).toBe(201);
    expect(await svc.get(created.announcementId)).toMatchObject({ version: 3, counts: { targeted: 2 } });
  });

  it('records rejected and unannounced messages in the audit log', async () => {
    await g.post(cap({ status: 'Draft', identifier: 'AUD1' }));
    await g.post('<alert/>');
    const actions = (await g.hub.ctx.audit.list({ limit: 10 })).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['cap.not_announced', 'cap.rejected']));
  });

  it('announces an Update whose original it never saw', async () => {
    const res = await g.post(cap({ identifier: 'U1', msgType: 'Update', references: reference('UNKNOWN') }));
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
    expect((await svc.get(byName.announcementId)).target).toEqual({
      type: 'districts',
      districtIds: [g.hub.fixture.districts[1]],
    });
    const byCode = (await g.post(cap({ identifier: 'C', areaDesc: 'somewhere', geocode: 'seibu' }))).json() as {
      announcementId: number;
    };
    expect((await svc.get(byCode.announcementId)).target).toEqual({
      type: 'districts',
      districtIds: [g.hub.fixture.districts[2]],
    });
    expect((await svc.get(byCode.announcementId)).counts.targeted).toBe(1);
    const elsewhere = (await g.post(cap({ identifier: 'E', areaDesc: '大阪府' }))).json() as { announcementId: number };
    expect((await svc.get(elsewhere.announcementId)).target).toEqual({ type: 'all' });
  });

  it('maps polygons and circles to districts by their centroids, once an administrator has set them', async () => {
    const [osawa, tobu, seibu] = g.hub.fixture.districts as [number, number, number];
    const polygon = '<polygon>35.69,139.57 35.71,139.57 35.71,139.59 35.69,139.59 35.69,139.57</polygon>';
    // Without centroids the polygon cannot be placed: the whole city.
    const before = (await g.post(cap({ identifier: 'G0', areaDesc: 'Tokyo west', areaXml: polygon }))).json() as {
      announcementId: number;
    };
    expect((await svc.get(before.announcementId)).target).toEqual({ type: 'all' });

    const setCentroids = async (who: string, centroids: object[]) =>
      g.hub.as(await g.hub.login(who))({
        method: 'PUT',
        url: '/api/announcements/district-centroids',
        payload: { centroids },
      });
    const centroids = [
      { districtId: osawa, lat: 35.68, lon: 139.53 },
      { districtId: tobu, lat: 35.7, lon: 139.58 },
      { districtId: seibu, lat: 35.69, lon: 139.5 },
    ];
    expect((await setCentroids('cityhall', centroids)).statusCode).toBe(403);
    const put = await setCentroids('admin', centroids);
    expect(put.json()).toEqual({ centroids });
    const bad = await setCentroids('admin', [{ districtId: 999, lat: 0, lon: 0 }]);
    expect((bad.json() as { error: { code: string } }).error.code).toBe('UNKNOWN_DISTRICT');

    const inPolygon = (await g.post(cap({ identifier: 'G1', areaDesc: 'Tokyo west', areaXml: polygon }))).json() as {
      announcementId: number;
    };
    expect((await svc.get(inPolygon.announcementId)).target).toEqual({ type: 'districts', districtIds: [tobu] });
    const inCircle = (
      await g.post(cap({ identifier: 'G2', areaDesc: 'Tokyo west', areaXml: '<circle>35.69,139.505 1.0</circle>' }))
    ).json() as { announcementId: number };
    expect((await svc.get(inCircle.announcementId)).target).toEqual({ type: 'districts', districtIds: [seibu] });
    const bigCircle = (
      await g.post(cap({ identifier: 'G3', areaDesc: 'Tokyo west', areaXml: '<circle>35.69,139.54 10</circle>' }))
    ).json() as { announcementId: number };
    expect((await svc.get(bigCircle.announcementId)).target).toEqual({
      type: 'districts',
      districtIds: [osawa, tobu, seibu],
    });
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
      expect((await svc.get((res.json() as { announcementId: number }).announcementId)).titleJa).toBe('大雨');
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
