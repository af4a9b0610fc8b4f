/**
 * Every path that creates or changes an announcement goes through one policy (issue 11, findings
 * 1, 4 and 6): the CAP gateway is for machine senders only; people get the two-person rule and
 * the whole-city confirmation; each API key follows the policy city hall set for it and speaks for
 * its own CAP sender only; an edit of a held or approved emergency needs a fresh approval.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Announcement } from '@tsunagu/protocol';
import { FakeClock } from '../../lib/clock';
import { as, createTestHub, type StaffSession, sessionFor, type TestHub } from '../../testing/harness';
import { decideAnnouncement } from './policy';
import type { AnnouncementsService } from './service';

const capAlert = (o: {
  identifier: string;
  sender: string;
  msgType?: string;
  references?: string;
  severity?: string;
}) =>
  `<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
<identifier>${o.identifier}</identifier><sender>${o.sender}</sender><sent>2026-01-05T09:00:00+09:00</sent>
<status>Actual</status><msgType>${o.msgType ?? 'Alert'}</msgType><scope>Public</scope>
${o.references ? `<references>${o.references}</references>` : ''}
<info><language>ja-JP</language><category>Met</category><event>大雨</event><urgency>Immediate</urgency>
<severity>${o.severity ?? 'Extreme'}</severity><certainty>Observed</certainty><headline>大雨特別警報 ${o.identifier}</headline>
<description>命を守る行動をとってください。</description><area><areaDesc>市内全域</areaDesc></area></info>
</alert>`;

describe('one policy for every path that creates or changes an announcement', () => {
  let hub: TestHub;
  let dataDir: string;
  let cityhall: StaffSession;
  let admin: StaffSession;
  let svc: AnnouncementsService;
  const code = (res: { json(): unknown }) => (res.json() as { error: { code: string } }).error.code;

  const newKey = async (name: string) => {
    const { id, key } = await hub.services.accounts.createApiKey(name, 'cityhall', null);
    return { id, bearer: key };
  };
  /** City hall's policy for a key (not checked here: the routes have their own test). */
  const setPolicy = (keyId: number, policy: { capSender: string | null; publish: 'auto' | 'hold' }) =>
    as(hub, admin)({ method: 'PUT', url: `/api/announcements/sender-policies/${keyId}`, payload: policy });
  /** A key that speaks for `capSender`, publishing by itself or held for approval. */
  const senderKey = async (name: string, capSender: string, publish: 'auto' | 'hold') => {
    const key = await newKey(name);
    await setPolicy(key.id, { capSender, publish });
    return key;
  };
  const postCap = (who: StaffSession | { bearer: string }, body: string) =>
    as(
      hub,
      who,
    )({ method: 'POST', url: '/api/cap', headers: { 'content-type': 'application/cap+xml' }, payload: body });
  const compose = async (who: StaffSession | { bearer: string }, extra: Record<string, unknown> = {}) => {
    const res = await as(
      hub,
      who,
    )({
      method: 'POST',
      url: '/api/announcements',
      payload: {
        kind: 'emergency',
        titleJa: '避難指示',
        bodyJa: '避難してください。',
        target: { type: 'all' },
        confirmWholeCity: true,
        ...extra,
      },
    });
    expect(res.statusCode).toBe(201);
    return res.json() as Announcement;
  };
  const requireApproval = (on: boolean) =>
    as(hub, admin)({ method: 'PUT', url: '/api/announcements/settings', payload: { requireEmergencyApproval: on } });
  const shownTo = (householdIndex: number) => svc.forHousehold(hub.fixture.households[householdIndex]!);

  beforeEach(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'policy-'));
    hub = await createTestHub({ clock: new FakeClock(Date.parse('2026-01-05T00:00:00Z')), config: { dataDir } });
    cityhall = sessionFor(hub, hub.fixture.users.cityhall);
    admin = sessionFor(hub, hub.fixture.users.admin);
    svc = hub.capabilities.announcements as AnnouncementsService;
  });
  afterEach(async () => {
    await hub.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  describe('finding 1: the CAP gateway is for machines; people and keys follow their policies', () => {
    it("refuses a person's session at the CAP gateway with a stable code, and stores nothing", async () => {
      await requireApproval(true);
      const res = await postCap(cityhall, capAlert({ identifier: 'P-1', sender: 'jma@example.jp' }));
      expect(res.statusCode).toBe(403);
      expect(code(res)).toBe('API_KEY_REQUIRED');
      expect(await svc.list(10)).toEqual([]);
    });

    it('holds what a key sends for approval unless city hall allowed it to publish by itself', async () => {
      await requireApproval(true);
      const held = await senderKey('prefecture-held', 'held@example.jp', 'hold');
      const auto = await senderKey('prefecture-auto', 'auto@example.jp', 'auto');

      const a = await postCap(held, capAlert({ identifier: 'H-1', sender: 'held@example.jp' }));
      expect(a.statusCode).toBe(201);
      const heldOne = await svc.get((a.json() as { announcementId: number }).announcementId);
      expect(heldOne).toMatchObject({ status: 'pending_approval', approvedBy: null });
      expect(await shownTo(0)).toEqual([]);
      // A person approves it; then it goes out.
      const ok = await as(hub, cityhall)({ method: 'POST', url: `/api/announcements/${heldOne.id}/approve` });
      expect(ok.json()).toMatchObject({ status: 'published', approvedBy: expect.stringContaining('cityhall') });

      const b = await postCap(auto, capAlert({ identifier: 'A-1', sender: 'auto@example.jp' }));
      expect((await svc.get((b.json() as { announcementId: number }).announcementId)).status).toBe('published');
    });

    it('holds a key with no policy set, over REST too, whatever the kind', async () => {
      const key = await newKey('unconfigured');
      const routine = await compose(key, { kind: 'routine', confirmWholeCity: undefined });
      expect(routine.status).toBe('pending_approval');
      const capRes = await postCap(key, capAlert({ identifier: 'U-1', sender: 'anyone@example.jp' }));
      expect(capRes.statusCode).toBe(403);
      expect(code(capRes)).toBe('CAP_SENDER_NOT_ALLOWED');
    });

    it('keeps the two-person rule and the whole-city confirmation for people', async () => {
      await requireApproval(true);
      const res = await as(
        hub,
        cityhall,
      )({
        method: 'POST',
        url: '/api/announcements',
        payload: { kind: 'emergency', titleJa: '避難', bodyJa: '避難してください。', target: { type: 'all' } },
      });
      expect(code(res)).toBe('CONFIRMATION_REQUIRED');
      expect((await compose(cityhall)).status).toBe('pending_approval');
    });

    it('lets administrators set and read each key policy, audited; others may not', async () => {
      const key = await newKey('feed');
      expect((await as(hub, cityhall)({ method: 'GET', url: '/api/announcements/sender-policies' })).statusCode).toBe(
        403,
      );
      const put = await setPolicy(key.id, { capSender: 'feed@example.jp', publish: 'auto' });
      expect(put.statusCode).toBe(200);
      expect(put.json()).toMatchObject({ apiKeyId: key.id, capSender: 'feed@example.jp', publish: 'auto' });
      const list = await as(hub, admin)({ method: 'GET', url: '/api/announcements/sender-policies' });
      expect(list.json()).toMatchObject({ policies: [{ apiKeyId: key.id, publish: 'auto' }] });
      expect((await setPolicy(987654, { capSender: null, publish: 'hold' })).statusCode).toBe(404);
      const entry = (await hub.ctx.audit.list({ limit: 5 })).find((e) => e.action === 'announcement.sender_policy');
      expect(entry).toMatchObject({ target: `api_key:${key.id}` });
    });

    it('exports the policy function the automatic feeds call', () => {
      const settings = { requireEmergencyApproval: true };
      const emergency = { action: 'create', kind: 'emergency', target: { type: 'all' } } as const;
      expect(() => decideAnnouncement({ ...emergency, sender: { kind: 'person', name: 'a' } }, settings)).toThrow(
        /confirmation/i,
      );
      expect(
        decideAnnouncement({ ...emergency, confirmWholeCity: true, sender: { kind: 'person', name: 'a' } }, settings),
      ).toEqual({ outcome: 'hold' });
      expect(
        decideAnnouncement({ ...emergency, sender: { kind: 'machine', name: 'jma', publish: 'auto' } }, settings),
      ).toEqual({ outcome: 'send' });
      expect(
        decideAnnouncement({ ...emergency, sender: { kind: 'machine', name: 'jma', publish: 'hold' } }, settings),
      ).toEqual({ outcome: 'hold' });
    });
  });

  describe('finding 4: an edit of a held or approved emergency needs a fresh approval', () => {
    it('holds an edit of an approved, published emergency until a second person approves it', async () => {
      await requireApproval(true);
      const a = await compose(cityhall);
      await as(hub, admin)({ method: 'POST', url: `/api/announcements/${a.id}/approve` });
      const edit = await as(
        hub,
        cityhall,
      )({ method: 'PATCH', url: `/api/announcements/${a.id}`, payload: { bodyJa: '高台へ避難してください。' } });
      expect(edit.statusCode).toBe(200);
      expect(edit.json()).toMatchObject({
        status: 'published',
        approvedBy: null,
        bodyJa: '避難してください。',
        pendingChange: { bodyJa: '高台へ避難してください。', requestedBy: expect.stringContaining('cityhall') },
      });
      // The terminals still show what was approved.
      expect((await shownTo(0)).map((x) => x.bodyJa)).toEqual(['避難してください。']);
      const self = await as(hub, cityhall)({ method: 'POST', url: `/api/announcements/${a.id}/approve` });
      expect(code(self)).toBe('APPROVAL_SAME_ACCOUNT');
      const ok = await as(hub, admin)({ method: 'POST', url: `/api/announcements/${a.id}/approve` });
      expect(ok.json()).toMatchObject({
        bodyJa: '高台へ避難してください。',
        approvedBy: expect.stringContaining('admin'),
        pendingChange: null,
        version: 2,
      });
      expect((await shownTo(0)).map((x) => x.bodyJa)).toEqual(['高台へ避難してください。']);
    });

    it('sends an approved, scheduled emergency that was edited back for approval', async () => {
      await requireApproval(true);
      const sendAt = new Date(hub.clock.now() + 60_000).toISOString();
      const a = await compose(cityhall, { sendAt });
      await as(hub, admin)({ method: 'POST', url: `/api/announcements/${a.id}/approve` });
      expect(await svc.get(a.id)).toMatchObject({ status: 'scheduled', approvedBy: expect.any(String) });
      const edit = await as(
        hub,
        admin,
      )({ method: 'PATCH', url: `/api/announcements/${a.id}`, payload: { titleJa: '避難指示(訂正)' } });
      expect(edit.json()).toMatchObject({ status: 'pending_approval', approvedBy: null, titleJa: '避難指示(訂正)' });
      (hub.clock as FakeClock).advance(120_000);
      expect(await shownTo(0)).toEqual([]);
      // The one who wrote the correction cannot approve it; the author of the original can.
      expect(code(await as(hub, admin)({ method: 'POST', url: `/api/announcements/${a.id}/approve` }))).toBe(
        'APPROVAL_SAME_ACCOUNT',
      );
      const ok = await as(hub, cityhall)({ method: 'POST', url: `/api/announcements/${a.id}/approve` });
      expect(ok.json()).toMatchObject({ status: 'published', titleJa: '避難指示(訂正)' });
    });

    it('holds a CAP Update of an approved alert from a key whose alerts wait for approval', async () => {
      await requireApproval(true);
      const key = await senderKey('held-feed', 'held@example.jp', 'hold');
      const first = await postCap(key, capAlert({ identifier: 'U-1', sender: 'held@example.jp' }));
      const id = (first.json() as { announcementId: number }).announcementId;
      await as(hub, cityhall)({ method: 'POST', url: `/api/announcements/${id}/approve` });
      await postCap(
        key,
        capAlert({
          identifier: 'U-2',
          sender: 'held@example.jp',
          msgType: 'Update',
          references: 'held@example.jp,U-1,2026-01-05T09:00:00+09:00',
        }),
      );
      expect(await svc.get(id)).toMatchObject({ approvedBy: null, pendingChange: { titleJa: '大雨特別警報 U-2' } });
      expect((await shownTo(0)).map((x) => x.titleJa)).toEqual(['大雨特別警報 U-1']);
    });
  });

  describe('finding 6: a key speaks for its own CAP sender only', () => {
    it('refuses a message in another sender’s name, so nobody can pre-empt that sender’s alert', async () => {
      const jma = await senderKey('jma', 'jma@example.jp', 'auto');
      const other = await senderKey('other', 'other@example.jp', 'auto');
      const spoof = await postCap(other, capAlert({ identifier: 'J-1', sender: 'jma@example.jp' }));
      expect(spoof.statusCode).toBe(403);
      expect(code(spoof)).toBe('CAP_SENDER_NOT_ALLOWED');
      const real = await postCap(jma, capAlert({ identifier: 'J-1', sender: 'jma@example.jp' }));
      expect(real.statusCode).toBe(201);
      expect((await svc.get((real.json() as { announcementId: number }).announcementId)).status).toBe('published');
    });

    it("cannot cancel or update another sender's alert by referencing it", async () => {
      const jma = await senderKey('jma', 'jma@example.jp', 'auto');
      const other = await senderKey('other', 'other@example.jp', 'auto');
      const real = await postCap(jma, capAlert({ identifier: 'J-2', sender: 'jma@example.jp' }));
      const id = (real.json() as { announcementId: number }).announcementId;
      const refs = 'jma@example.jp,J-2,2026-01-05T09:00:00+09:00';
      const cancel = await postCap(
        other,
        capAlert({ identifier: 'O-1', sender: 'other@example.jp', msgType: 'Cancel', references: refs }),
      );
      expect(cancel.statusCode).toBe(200);
      const update = await postCap(
        other,
        capAlert({ identifier: 'O-2', sender: 'other@example.jp', msgType: 'Update', references: refs }),
      );
      expect(await svc.get(id)).toMatchObject({ status: 'published', version: 1, titleJa: '大雨特別警報 J-2' });
      // Its "Update" of something it never sent is its own new alert, not a change to JMA's.
      expect((update.json() as { announcementId: number }).announcementId).not.toBe(id);
      // The owner still can.
      await postCap(
        jma,
        capAlert({ identifier: 'J-3', sender: 'jma@example.jp', msgType: 'Cancel', references: refs }),
      );
      expect((await svc.get(id)).status).toBe('cancelled');
    });
  });
});
