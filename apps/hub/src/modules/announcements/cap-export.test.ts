/** CAP export: each announcement as CAP 1.2 that our own gateway reads back (Alert, then Update, then Cancel). */
import { type Gateway, withGateway } from '../../testing/cap';
import { decodeXmlBody } from './cap/decode';
import { capToAnnouncement } from './cap/map';
import { parseCap } from './cap/parse';

describe('CAP export: GET /api/announcements/:id/cap', () => {
  let g: Gateway;
  withGateway('all', (made) => (g = made), '2026-01-05T00:00:00Z');
  /** As city hall: creates an announcement, and reads one as CAP. */
  const cityhall = async () => {
    const request = g.hub.as(await g.hub.login('cityhall'));
    return {
      request,
      create: (payload: object) => request({ method: 'POST', url: '/api/announcements', payload }),
      capOf: (id: number) => request({ method: 'GET', url: `/api/announcements/${id}/cap` }),
    };
  };

  it('writes valid CAP 1.2 that our own validator accepts and that maps back to the same kind', async () => {
    const { create, capOf } = await cityhall();
    for (const kind of ['emergency', 'important', 'routine'] as const) {
      const created = await create({
        kind,
        titleJa: '避難指示 <東部> & 西部',
        bodyJa: '高台へ避難してください。',
        titleEn: 'Evacuate',
        bodyEn: 'Go to higher ground.',
        target: { type: 'districts', districtIds: [g.hub.fixture.districts[1], g.hub.fixture.districts[2]] },
        expiresAt: '2026-01-06T00:00:00Z',
      });
      expect(created.statusCode).toBe(201);
      const id = (created.json() as { id: number }).id;
      const res = await capOf(id);
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
    const { request, create, capOf } = await cityhall();
    const created = await create({
      kind: 'routine',
      titleJa: 'お知らせ',
      bodyJa: '本文',
      target: { type: 'groups', groups: ['needs_assistance'] },
    });
    const id = (created.json() as { id: number }).id;
    await request({ method: 'PATCH', url: `/api/announcements/${id}`, payload: { bodyJa: '新しい本文' } });
    const upd = parseCap((await capOf(id)).body);
    expect(upd.msgType).toBe('Update');
    expect(upd.references).toEqual([
      { sender: upd.sender, identifier: `tsunagu-${id}`, sent: expect.stringMatching(/\+09:00$/) },
    ]);
    await request({ method: 'POST', url: `/api/announcements/${id}/cancel` });
    const can = parseCap((await capOf(id)).body);
    expect(can.msgType).toBe('Cancel');
    const missing = await capOf(999);
    expect(missing.statusCode).toBe(404);
  });
});
