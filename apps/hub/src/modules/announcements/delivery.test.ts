/**
 * Delivery with a real hub and real Socket.IO terminals: exact targeting, catch-up after being
 * offline, update/cancel/expiry propagation, receipts and their counts, the two-person rule,
 * scheduling and voice clips (a restart that loses nothing: delivery-restart.test.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FakeClock } from '../../lib/clock';
import { publishedId, recordingForm, type Terminal, terminal, testWav } from '../../testing/announcements';
import { createTestHub, emitAck, type StaffSession, type TestHub } from '../../testing/harness';
import { until } from '../../testing/until';
import type { AnnouncementsService } from './service';

describe('announcement delivery over real sockets', () => {
  let hub: TestHub;
  let url: string;
  let cityhall: StaffSession;
  let creds: { terminalId: number; credential: string }[];
  let open: Terminal[] = [];
  let dataDir: string;

  const post = (payload: Record<string, unknown>) =>
    hub.as(cityhall)({ method: 'POST', url: '/api/announcements', payload });
  /** A routine announcement to everyone, as `create` sends unless told otherwise. */
  const routine = { kind: 'routine', titleJa: 'お知らせ', bodyJa: '本文です。', target: { type: 'all' } };
  const create = async (payload: Record<string, unknown>) => {
    const res = await post({ ...routine, ...payload });
    if (res.statusCode !== 201) throw new Error(`create failed: ${res.statusCode} ${res.body}`);
    return res.json() as { id: number; status: string; counts: { targeted: number } };
  };
  const connect = async (i: number) => {
    const t = await terminal(url, creds[i]!.credential);
    open.push(t);
    return t;
  };
  const svc = () => hub.capabilities.announcements as AnnouncementsService;
  const clock = () => hub.clock as FakeClock;

  beforeEach(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ann-'));
    hub = await createTestHub({ clock: new FakeClock(Date.parse('2026-01-05T00:00:00Z')), config: { dataDir } });
    url = await hub.listen();
    cityhall = hub.sessionFor(hub.fixture.users.cityhall);
    creds = await Promise.all(hub.fixture.households.map((h) => hub.enrollTerminal(h)));
  });
  afterEach(async () => {
    for (const t of open) t.close();
    open = [];
    await hub.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('sends to exactly the targeted terminals: districts, groups, households, all', async () => {
    const [t0, t1, t2] = [await connect(0), await connect(1), await connect(2)];
    const { districts, households } = hub.fixture;
    const byDistrict = await create({ target: { type: 'districts', districtIds: [districts[1]] } });
    const byGroup = await create({ target: { type: 'groups', groups: ['needs_assistance'] } });
    const byHousehold = await create({ target: { type: 'households', householdIds: [households[2]] } });
    expect([byDistrict.counts.targeted, byGroup.counts.targeted, byHousehold.counts.targeted]).toEqual([1, 1, 1]);
    // Sent after the others: once each terminal has it, anything it was going to get has arrived.
    const everyone = await create({ target: { type: 'all' } });
    for (const t of [t0, t1, t2]) await t.waitFor(publishedId(everyone.id), `announcement ${everyone.id}`);
    expect(t0.published().map((a) => a.id)).toEqual([byGroup.id, everyone.id]);
    expect(t1.published().map((a) => a.id)).toEqual([byDistrict.id, everyone.id]);
    expect(t2.published().map((a) => a.id)).toEqual([byHousehold.id, everyone.id]);
  });

  it('shows the count of targeted households before sending', async () => {
    const preview = (target: unknown) =>
      hub.as(cityhall)({ method: 'POST', url: '/api/announcements/preview', payload: { target } });
    await connect(0);
    // A terminal's presence is stored in the next batch after it connects (terminals/batched.ts):
    // on PostgreSQL round trips after its connection is answered.
    await until(async () => (await preview({ type: 'all' })).json().onlineTerminals > 0);
    const all = await preview({ type: 'all' });
    expect(all.json()).toEqual({ households: 3, terminals: 3, onlineTerminals: 1 });
    expect((await preview({ type: 'groups', groups: ['needs_assistance'] })).json()).toMatchObject({ households: 1 });
    expect(
      (await preview({ type: 'districts', districtIds: [hub.fixture.districts[0], hub.fixture.districts[2]] })).json(),
    ).toMatchObject({ households: 2 });
    const unknown = await preview({ type: 'districts', districtIds: [999] });
    expect(unknown.statusCode).toBe(400);
    expect((unknown.json() as { error: { code: string } }).error.code).toBe('UNKNOWN_DISTRICT');
    expect((await preview({ type: 'households', householdIds: [12345] })).statusCode).toBe(400);
  });

  it('catches an offline terminal up on reconnect: every unexpired one, in order, without the cancelled or expired', async () => {
    const first = await create({ titleJa: '一' });
    const second = await create({ titleJa: '二' });
    const third = await create({ titleJa: '三', kind: 'emergency', confirmWholeCity: true });
    const expiring = await create({ titleJa: '四', expiresAt: '2026-01-05T00:10:00Z' });
    const elsewhere = await create({
      titleJa: '他',
      target: { type: 'households', householdIds: [hub.fixture.households[0]] },
    });
    await hub.as(cityhall)({ method: 'POST', url: `/api/announcements/${second.id}/cancel` });
    clock().advance(11 * 60_000);
    // The expiry timer's work is a unit of work: it has run once the store says so.
    await until(async () => (await svc().get(expiring.id)).status === 'expired');

    const t2 = await connect(2);
    expect(t2.sync()!.map((a) => a.id)).toEqual([first.id, third.id]);
    expect(t2.sync()![1]).toMatchObject({ kind: 'emergency', acknowledged: false, safetyAnswer: null });
    expect(t2.sync()!.map((a) => a.id)).not.toContain(elsewhere.id);
    // The same list on request.
    expect(await emitAck(t2.socket, 'announcement:list', {})).toEqual({ ok: true, data: { announcements: t2.sync() } });

    // Acknowledged before: after a reconnect it is still there, marked acknowledged (no second takeover).
    await emitAck(t2.socket, 'announcement:receipt', { announcementId: third.id, stage: 'acknowledged' });
    t2.close();
    const again = await connect(2);
    expect(again.sync()!.find((a) => a.id === third.id)).toMatchObject({ acknowledged: true });
  });

  it('propagates update and cancel to every terminal that had it, and to nobody else', async () => {
    const [t0, t1, t2] = [await connect(0), await connect(1), await connect(2)];
    const a = await create({
      target: { type: 'districts', districtIds: [hub.fixture.districts[0], hub.fixture.districts[1]] },
    });
    await t0.waitFor(publishedId(a.id), 'the announcement');
    await t1.waitFor(publishedId(a.id), 'the announcement');

    const patched = await hub.as(cityhall)({
      method: 'PATCH',
      url: `/api/announcements/${a.id}`,
      payload: { bodyJa: '訂正: 集合場所は公民館です。' },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ version: 2 });
    for (const t of [t0, t1]) {
      await t.waitFor((e) => e.some((x) => x.event === 'announcement:updated'), 'the update');
      expect(t.events.find((x) => x.event === 'announcement:updated')!.payload).toMatchObject({
        id: a.id,
        version: 2,
        bodyJa: '訂正: 集合場所は公民館です。',
      });
    }
    const cancelled = await hub.as(cityhall)({ method: 'POST', url: `/api/announcements/${a.id}/cancel` });
    expect(cancelled.json()).toMatchObject({ status: 'cancelled' });
    for (const t of [t0, t1])
      await t.waitFor((e) => e.some((x) => x.event === 'announcement:withdrawn'), 'the withdrawal');
    expect(t0.events.find((x) => x.event === 'announcement:withdrawn')!.payload).toEqual({
      id: a.id,
      reason: 'cancelled',
    });

    const sentinel = await create({ target: { type: 'all' } });
    await t2.waitFor(publishedId(sentinel.id), 'the sentinel');
    expect(t2.events.filter((e) => e.event !== 'announcement:sync').map((e) => e.event)).toEqual([
      'announcement:published',
    ]);
    // Closed announcements cannot change any more.
    const late = await hub.as(cityhall)({
      method: 'PATCH',
      url: `/api/announcements/${a.id}`,
      payload: { bodyJa: 'x' },
    });
    expect(late.statusCode).toBe(409);
  });

  it('expires on the hub clock and tells the terminals', async () => {
    const t0 = await connect(0);
    const a = await create({ expiresAt: '2026-01-05T01:00:00Z' });
    await t0.waitFor(publishedId(a.id), 'the announcement');
    clock().advance(59 * 60_000);
    expect((await svc().get(a.id)).status).toBe('published');
    clock().advance(2 * 60_000);
    await t0.waitFor((e) => e.some((x) => x.event === 'announcement:withdrawn'), 'the expiry');
    expect(t0.events.at(-1)!.payload).toEqual({ id: a.id, reason: 'expired' });
  });

  it('sends a scheduled announcement at its time, not before', async () => {
    const t0 = await connect(0);
    const a = await create({ sendAt: '2026-01-05T06:00:00Z' });
    expect(a.status).toBe('scheduled');
    clock().advance(5 * 3600_000);
    await new Promise((r) => setTimeout(r, 50));
    expect(t0.published()).toEqual([]);
    clock().advance(3600_000);
    await t0.waitFor(publishedId(a.id), 'the scheduled announcement');
    expect((await svc().get(a.id)).status).toBe('published');
  });

  it('counts receipts per household, lists who needs help or has not answered, exports CSV, and tells city hall live', async () => {
    const [t0, t1, t2] = [await connect(0), await connect(1), await connect(2)];
    const staff = await hub.connectStaff(cityhall);
    const activity: { householdId: number; kind: string }[] = [];
    hub.ctx.events.on('household.activity', (e) => activity.push(e));
    const a = await create({ kind: 'important', safetyCheck: true, titleJa: '安否確認' });
    for (const t of [t0, t1, t2]) await t.waitFor(publishedId(a.id), 'the announcement');

    const live = new Promise<{ counts: { needHelp: number } }>((resolve) => {
      staff.on('announcement:receiptsChanged', (p: { counts: { needHelp: number } }) => {
        if (p.counts.needHelp === 1) resolve(p);
      });
    });
    const acks = await Promise.all([
      emitAck(t0.socket, 'announcement:receipt', { announcementId: a.id, stage: 'delivered' }),
      emitAck(t0.socket, 'announcement:receipt', { announcementId: a.id, stage: 'played' }),
      emitAck(t0.socket, 'announcement:receipt', { announcementId: a.id, stage: 'answered', answer: 'safe' }),
      emitAck(t1.socket, 'announcement:receipt', { announcementId: a.id, stage: 'delivered' }),
      emitAck(t1.socket, 'announcement:receipt', { announcementId: a.id, stage: 'answered', answer: 'need_help' }),
      emitAck(t2.socket, 'announcement:receipt', { announcementId: a.id, stage: 'delivered' }),
      // Twice: counted once.
      emitAck(t2.socket, 'announcement:receipt', { announcementId: a.id, stage: 'delivered' }),
    ]);
    for (const ack of acks) expect(ack).toEqual({ ok: true, data: { stored: true } });
    // Acked means stored.
    const counts = { targeted: 3, delivered: 3, played: 1, acknowledged: 2, safe: 1, needHelp: 1, notAnswered: 1 };
    expect(await svc().counts(a.id)).toEqual(counts);
    expect((await live).counts).toEqual(counts);
    expect(activity.map((x) => x.householdId).sort()).toEqual(
      [hub.fixture.households[0], hub.fixture.households[1]].sort(),
    );
    expect(activity.every((x) => x.kind === 'announcement_acknowledged')).toBe(true);

    const { key } = await hub.services.accounts.createApiKey('gateway', 'cityhall', null);
    const gw = await hub.as({ bearer: key })({ method: 'GET', url: `/api/announcements/${a.id}/receipts` });
    expect(gw.json()).toEqual(counts);

    const followUps = await hub.as(cityhall)({
      method: 'GET',
      url: `/api/announcements/${a.id}/follow-ups?sort=needsAssistance`,
    });
    const list = (
      followUps.json() as { households: { householdId: number; state: string; phone: string; address: string }[] }
    ).households;
    expect(list.map((h) => [h.householdId, h.state])).toEqual([
      [hub.fixture.households[1], 'need_help'],
      [hub.fixture.households[2], 'not_answered'],
    ]);
    expect(list[0]).toMatchObject({ phone: '0422-00-0001', address: '東京都三鷹市 2-1-1' });
    // Received but not answered, as opposed to never reached (no terminal, not delivered).
    expect(list[1]).toMatchObject({ delivered: true, hasTerminal: true });

    const csv = await hub.as(cityhall)({ method: 'GET', url: `/api/announcements/${a.id}/follow-ups.csv` });
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain('助けが必要');
    expect(lines[1]).toContain('0422-00-0001');

    // Not targeted, unknown, or a missing answer: refused with a code, nothing stored.
    const other = await create({ target: { type: 'households', householdIds: [hub.fixture.households[0]] } });
    expect(
      await emitAck(t2.socket, 'announcement:receipt', { announcementId: other.id, stage: 'delivered' }),
    ).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await emitAck(t2.socket, 'announcement:receipt', { announcementId: a.id, stage: 'answered' })).toMatchObject(
      { ok: false, error: { code: 'VALIDATION_FAILED' } },
    );
    expect(await emitAck(t2.socket, 'announcement:receipt', { announcementId: a.id, stage: 'bogus' })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED' },
    });
    expect((await svc().counts(other.id)).delivered).toBe(0);
    staff.close();
  });

  it('commits many receipts in few transactions and acks each', async () => {
    const t0 = await connect(0);
    const ids: number[] = [];
    for (let i = 0; i < 40; i++) ids.push((await create({ titleJa: `n${i}` })).id);
    const acks = await Promise.all(
      ids.flatMap((id) =>
        (['delivered', 'played', 'acknowledged'] as const).map((stage) =>
          emitAck(t0.socket, 'announcement:receipt', { announcementId: id, stage }),
        ),
      ),
    );
    expect(acks.every((a) => (a as { ok: boolean }).ok)).toBe(true);
    const metrics = await hub.ctx.metrics.registry.getSingleMetricAsString('tsunagu_announcement_receipt_batch_size');
    const count = Number(/_count (\d+)/.exec(metrics)![1]);
    expect(count).toBeLessThan(120);
    for (const id of ids) expect(await svc().counts(id)).toMatchObject({ delivered: 1, played: 1, acknowledged: 1 });
  });

  it('guards against human error: whole-city emergency needs a second confirmation (a drill too)', async () => {
    const res = await post({ kind: 'emergency', titleJa: '避難', bodyJa: '避難してください', target: { type: 'all' } });
    expect(res.statusCode).toBe(400);
    expect((res.json() as { error: { code: string } }).error.code).toBe('CONFIRMATION_REQUIRED');
    const drill = await post({
      kind: 'emergency',
      test: true,
      titleJa: '訓練',
      bodyJa: '訓練',
      target: { type: 'all' },
    });
    expect((drill.json() as { error: { code: string } }).error.code).toBe('CONFIRMATION_REQUIRED');
    const past = await post({ ...routine, expiresAt: '2025-01-01T00:00:00Z' });
    expect((past.json() as { error: { code: string } }).error.code).toBe('EXPIRY_IN_PAST');
    expect(await svc().list(10)).toHaveLength(0);
    // Other roles cannot announce at all.
    const operator = hub.sessionFor(hub.fixture.users.operator);
    expect((await hub.as(operator)({ method: 'POST', url: '/api/announcements', payload: routine })).statusCode).toBe(
      403,
    );
  });

  it('two-person rule: an emergency waits for a second city hall account; the setting is admin-only and audited', async () => {
    const t0 = await connect(0);
    const admin = hub.sessionFor(hub.fixture.users.admin);
    expect(
      (
        await hub.as(cityhall)({
          method: 'PUT',
          url: '/api/announcements/settings',
          payload: { requireEmergencyApproval: true },
        })
      ).statusCode,
    ).toBe(403);
    const set = await hub.as(admin)({
      method: 'PUT',
      url: '/api/announcements/settings',
      payload: { requireEmergencyApproval: true },
    });
    expect(set.json()).toEqual({ requireEmergencyApproval: true });
    expect((await hub.ctx.audit.list({ limit: 5 })).some((e) => e.action === 'announcement.settings')).toBe(true);

    const a = await create({ kind: 'emergency', confirmWholeCity: true, titleJa: '避難指示' });
    expect(a.status).toBe('pending_approval');
    const self = await hub.as(cityhall)({ method: 'POST', url: `/api/announcements/${a.id}/approve` });
    expect(self.statusCode).toBe(403);
    expect((self.json() as { error: { code: string } }).error.code).toBe('APPROVAL_SAME_ACCOUNT');
    await new Promise((r) => setTimeout(r, 30));
    expect(t0.published()).toEqual([]);
    const ok = await hub.as(admin)({ method: 'POST', url: `/api/announcements/${a.id}/approve` });
    expect(ok.json()).toMatchObject({ status: 'published', approvedBy: expect.stringContaining('admin') });
    await t0.waitFor(publishedId(a.id), 'the approved emergency');
    expect((await hub.as(admin)({ method: 'POST', url: `/api/announcements/${a.id}/approve` })).statusCode).toBe(409);
    // Routine announcements are not held.
    expect((await create({})).status).toBe('published');
  });

  it('takes a voice clip checked by its bytes, stores it in the database under an id of its own, and serves it only to targeted terminals', async () => {
    const wav = testWav();
    const upload = (data: Buffer, filename: string, type: string) => {
      const form = recordingForm(data, filename, type);
      return hub.as(cityhall)({
        method: 'POST',
        url: '/api/announcements/audio',
        headers: { 'content-type': form.contentType },
        payload: form.body,
      });
    };
    const ok = await upload(wav, '../../../../etc/evil.wav', 'audio/wav');
    expect(ok.statusCode).toBe(201);
    const { audioId, mimeType } = ok.json() as { audioId: string; mimeType: string };
    expect(mimeType).toBe('audio/wav');
    const stored = () => hub.ctx.sql.all('SELECT audio_id, mime_type, data FROM announcement_recordings');
    expect(await stored()).toEqual([{ audio_id: audioId, mime_type: 'audio/wav', data: wav }]);
    // In the database only: nothing written under the data folder, whatever the upload's name.
    expect(fs.readdirSync(dataDir).filter((f) => f.includes('audio') || f === 'etc')).toEqual([]);
    expect(fs.existsSync(path.join(dataDir, '..', 'etc'))).toBe(false);

    const fake = await upload(Buffer.from('#!/bin/sh\necho not audio at all, just a script'), 'clip.wav', 'audio/wav');
    expect(fake.statusCode).toBe(415);
    expect((fake.json() as { error: { code: string } }).error.code).toBe('AUDIO_TYPE_UNSUPPORTED');
    const huge = await upload(Buffer.concat([wav, Buffer.alloc(6 * 1024 * 1024)]), 'big.wav', 'audio/wav');
    expect(huge.statusCode).toBe(413);
    expect(await stored()).toHaveLength(1);

    const bad = await post({ ...routine, audioId: 'a'.repeat(32) });
    expect((bad.json() as { error: { code: string } }).error.code).toBe('AUDIO_NOT_FOUND');
    const traversal = await post({ ...routine, audioId: '../../etc/passwd' });
    expect(traversal.statusCode).toBe(400);

    const a = await create({ audioId, target: { type: 'households', householdIds: [hub.fixture.households[0]] } });
    expect((await svc().get(a.id)).hasAudio).toBe(true);
    const mine = await hub.as({ bearer: creds[0]!.credential })({
      method: 'GET',
      url: `/api/terminal/announcements/${a.id}/audio`,
    });
    expect(mine.statusCode).toBe(200);
    expect(mine.headers['content-type']).toBe('audio/wav');
    expect(mine.rawPayload.equals(wav)).toBe(true);
    const notMine = await hub.as({ bearer: creds[1]!.credential })({
      method: 'GET',
      url: `/api/terminal/announcements/${a.id}/audio`,
    });
    expect(notMine.statusCode).toBe(404);
  });
});
