/**
 * Who read personal data (issue 11, ISMS): reading a household's record, its check-in history, a
 * follow-up list or the CSV export leaves a row per household (who, when, which, from where), and
 * only administrators can read those rows.
 */
import type { DataReadList } from '@tsunagu/protocol';
import { FakeClock } from '../../lib/clock';
import { type StaffSession, type TestHub, withHub } from '../../testing/harness';

jest.setTimeout(30_000);

describe('reads of personal data are recorded', () => {
  let hub: TestHub;
  let cityhall: StaffSession;
  let admin: StaffSession;
  withHub(
    'all',
    async (made) => {
      hub = made;
      cityhall = await hub.login('cityhall');
      admin = await hub.login('admin');
    },
    { clock: new FakeClock(Date.parse('2026-04-01T00:00:00Z')) },
  );

  const reads = async (householdId: number, who = admin) => {
    const res = await hub.as(who)({ method: 'GET', url: `/api/households/${householdId}/reads` });
    return { status: res.statusCode, body: res.json() as DataReadList };
  };

  it('record, history, follow-ups and CSV export each leave who, when, which household and from where', async () => {
    const [h0, h1, h2] = hub.fixture.households as [number, number, number];
    expect((await reads(h0)).body.reads).toEqual([]);

    const get = (who: StaffSession, url: string) =>
      hub
        .as(who)({ method: 'GET', url, remoteAddress: '192.0.2.44' })
        .then((r) => r.statusCode);
    expect(await get(cityhall, `/api/households/${h0}`)).toBe(200);
    const watcher = await hub.login('watcher');
    expect(await get(watcher, `/api/watch/households/${h0}/history`)).toBe(200);
    // A refused read is not a read.
    expect(await get(watcher, `/api/households/${h2}`)).toBe(404);
    expect(await get(cityhall, '/api/households/export.csv')).toBe(200);

    const r0 = (await reads(h0)).body.reads;
    expect(r0.map((r) => r.what)).toEqual(['export', 'history', 'record']);
    expect(r0[2]).toEqual({
      at: new Date(hub.ctx.clock.now()).toISOString(),
      actor: `user:${hub.fixture.users.cityhall}:cityhall`,
      what: 'record',
      ip: '192.0.2.44',
    });
    expect(r0[1]).toMatchObject({ actor: `user:${hub.fixture.users.watcher}:watcher`, what: 'history' });
    // The export read every household it listed; the refused read left nothing.
    expect((await reads(h2)).body.reads.map((r) => r.what)).toEqual(['export']);

    // A safety check's follow-up list names the households that have not answered.
    for (const h of [h1, h2]) await hub.enrollTerminal(h);
    const sent = await hub.as(cityhall)({
      method: 'POST',
      url: '/api/announcements',
      payload: { kind: 'important', safetyCheck: true, titleJa: '安否確認', bodyJa: '本文', target: { type: 'all' } },
    });
    expect(sent.statusCode).toBe(201);
    const id = (sent.json() as { id: number }).id;
    expect(await get(cityhall, `/api/announcements/${id}/follow-ups`)).toBe(200);
    expect(await get(cityhall, `/api/announcements/${id}/follow-ups.csv`)).toBe(200);
    for (const h of [h1, h2])
      expect((await reads(h)).body.reads.slice(0, 2).map((r) => r.what)).toEqual(['follow_ups', 'follow_ups']);
  });

  it('only administrators see who read a household; unknown households are 404', async () => {
    const h0 = hub.fixture.households[0]!;
    expect((await reads(h0, cityhall)).status).toBe(403);
    expect((await reads(h0, await hub.login('watcher'))).status).toBe(403);
    expect((await reads(999_999)).status).toBe(404);
  });

  it('the table refuses changes to a recorded read', async () => {
    await hub.ctx.reads.record('user:1:x', 'record', [hub.fixture.households[0]!], null);
    await expect(hub.ctx.sql.run("UPDATE data_reads SET actor = 'someone else'")).rejects.toMatchObject({
      message: expect.stringMatching(/append-only/),
    });
  });
});
