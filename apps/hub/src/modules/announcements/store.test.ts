/**
 * The announcements store on both engines: an announcement published with its frozen targets in
 * one unit of work (all or none, one statement however many households), counts per household,
 * content versions, revisions, settings, and a CAP message taken once by its key even by two units
 * of work at once (the loser's announcement rolled back with it).
 */
import type { Sql } from '../../db/sql';
import { draftAnnouncement } from '../../testing/announcements';
import { ENGINES, type EngineDb, engineSql, openEngine } from '../../testing/engines';
import type { CapMessageRecord } from './store';
import { type AnnouncementsStore, createAnnouncementsStore } from './store';

/** The runner, counting the statements run through it and through its units of work. */
function counting(sql: Sql, counter = { statements: 0 }): Sql & { readonly statements: number } {
  const c = {
    ...sql,
    get statements() {
      return counter.statements;
    },
    all: (text, params) => {
      counter.statements += 1;
      return sql.all(text, params);
    },
    get: (text, params) => {
      counter.statements += 1;
      return sql.get(text, params);
    },
    run: (text, params) => {
      counter.statements += 1;
      return sql.run(text, params);
    },
    transaction: (work, options) => sql.transaction((tx) => work(counting(tx, counter)), options),
  } as Sql & { readonly statements: number };
  return c;
}

const draft = draftAnnouncement;

const capMessage = (identifier: string, announcementId: number | null, outcome = 'announced'): CapMessageRecord => ({
  sender: 'city@example.jp',
  identifier,
  sent: '2026-01-01T09:00:00+09:00',
  msgType: 'Alert',
  status: 'Actual',
  announcementId,
  outcome,
  signature: 'unsigned',
  signedBy: null,
});

describe.each(ENGINES)('announcements store on %s', (engine) => {
  let db: EngineDb;
  let store: AnnouncementsStore;
  const households = async (n: number) => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push(await db.newHousehold());
    return out;
  };
  const count = async (sql: string, params: unknown[] = []) =>
    Number((await db.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${sql}`, params))[0]!.n);

  beforeAll(async () => {
    db = await openEngine(engine);
    store = createAnnouncementsStore(engineSql(db));
  });
  afterAll(() => db.close());

  it('publishes with its frozen targets in one unit of work, one statement for the targets however many', async () => {
    const ids = await households(300);
    const sql = counting(engineSql(db));
    const a = await createAnnouncementsStore(sql).add(
      draft({ tone: 'eew', source: 'jma', target: { type: 'districts', districtIds: [1] } }),
      { householdIds: ids, at: 2000 },
    );
    expect(a).toMatchObject({ status: 'published', publishedAt: 2000, tone: 'eew', source: 'jma', version: 1 });
    expect(await store.get(a.id)).toEqual(a);
    expect(await store.targetHouseholdIds(a.id)).toEqual(ids);
    expect(await store.activeForHousehold(ids[0]!, 3000, 50)).toEqual([a]);
    // The announcement, its tone, its source and 300 targets: four statements.
    expect(sql.statements).toBe(4);
    expect(await count('announcement_targets WHERE announcement_id = ?', [a.id])).toBe(300);
    // Adding targets again stores only the new ones.
    const [more] = await households(1);
    expect(await store.addTargets(a.id, [ids[0]!, ids[1]!, more!])).toEqual([more]);
  });

  it('sends a scheduled announcement once, even when two timers publish it at once', async () => {
    const [h1, h2] = await households(2);
    const a = await store.add(draft({ sendAt: 5000 }));
    const results = await Promise.all([store.publish(a.id, [h1!, h2!], 5000), store.publish(a.id, [h1!, h2!], 5000)]);
    expect(results.filter((r) => r !== undefined)).toEqual([
      expect.objectContaining({ id: a.id, status: 'published', publishedAt: 5000 }),
    ]);
    expect(await store.targetHouseholdIds(a.id)).toEqual([h1, h2]);
    // Cancelled before its time: not sent.
    const b = await store.add(draft({ sendAt: 5000 }));
    await store.setStatus(b.id, 'cancelled', 4000, { cancelledAt: 4000 });
    expect(await store.publish(b.id, [h1!], 5000)).toBeUndefined();
    expect(await store.targetHouseholdIds(b.id)).toEqual([]);
  });

  it('expires a published announcement once, even when two timers expire it at once', async () => {
    const [h1] = await households(1);
    const a = await store.add(draft({ expiresAt: 6000 }), { householdIds: [h1!], at: 5000 });
    const results = await Promise.all([
      store.transition(a.id, 'published', 'expired', 6000),
      store.transition(a.id, 'published', 'expired', 6000),
    ]);
    expect(results.filter((r) => r !== undefined)).toEqual([expect.objectContaining({ id: a.id, status: 'expired' })]);
    // Not from a state it is not in (cancelled meanwhile: it stays cancelled).
    const b = await store.add(draft(), { householdIds: [h1!], at: 5000 });
    await store.setStatus(b.id, 'cancelled', 5500, { cancelledAt: 5500 });
    expect(await store.transition(b.id, 'published', 'expired', 6000)).toBeUndefined();
    expect((await store.get(b.id))?.status).toBe('cancelled');
  });

  it('stores nothing of an announcement whose unit of work fails (a target that does not exist)', async () => {
    const before = await count('announcements');
    await expect(store.add(draft(), { householdIds: [1, 987_654], at: 2000 })).rejects.toMatchObject({
      message: expect.any(String),
    });
    expect(await count('announcements')).toBe(before);
    // A unit of work of several writes: all or none, and nothing of it seen from another connection before it commits.
    const other = await db.otherConnection();
    try {
      let seenInside = -1;
      await expect(
        store.transaction(async (tx) => {
          const a = await tx.add(draft());
          await tx.setRevision(a.id, { change: null, revisedBy: 'x', revisedAt: 1 });
          seenInside = Number(
            (await other.query<{ n: number }>('SELECT COUNT(*) AS n FROM announcements WHERE id = ?', [a.id]))[0]!.n,
          );
          throw new Error('stop');
        }),
      ).rejects.toThrow('stop');
      expect(seenInside).toBe(0);
      expect(await count('announcements')).toBe(before);
      expect(await count('announcement_revisions')).toBe(0);
    } finally {
      await other.close();
    }
  });

  it('changes content, status, approval and revision; lists by status; resolves targets; keeps settings', async () => {
    const [h1, h2] = await households(2);
    await db.query('UPDATE households SET needs_assistance = 1 WHERE id = ?', [h2]);
    const a = await store.add(draft({ kind: 'important', approvedBy: 'user:2:other' }));
    expect(await store.byStatus('scheduled')).toContainEqual(a);
    const changed = await store.updateContent(
      a.id,
      { titleJa: '新', safetyCheck: false, target: { type: 'households', householdIds: [h1!] } },
      5000,
    );
    expect(changed).toMatchObject({ version: 2, titleJa: '新', safetyCheck: false, updatedAt: 5000 });
    expect(changed.target).toEqual({ type: 'households', householdIds: [h1] });
    expect(await store.clearApproval(a.id, 'pending_approval')).toMatchObject({
      status: 'pending_approval',
      approvedBy: null,
    });
    const change = { patch: { titleJa: '次' }, widenTo: { type: 'all' as const } };
    await store.setRevision(a.id, { change, revisedBy: 'user:3:x', revisedAt: 6000 });
    expect(await store.revision(a.id)).toEqual({ change, revisedBy: 'user:3:x', revisedAt: 6000 });
    await store.setRevision(a.id, null);
    expect(await store.revision(a.id)).toBeUndefined();
    expect(await store.setStatus(a.id, 'cancelled', 7000, { cancelledAt: 7000 })).toMatchObject({
      status: 'cancelled',
      cancelledAt: 7000,
    });
    await expect(store.setStatus(987_654, 'cancelled', 1)).rejects.toThrow(/not found/);

    expect(await store.resolveTarget({ type: 'households', householdIds: [h2!, 987_654, h1!] })).toEqual([h1, h2]);
    expect(await store.resolveTarget({ type: 'groups', groups: ['needs_assistance'] })).toEqual([h2]);
    expect(await store.resolveTarget({ type: 'districts', districtIds: [1] })).toEqual(
      await store.resolveTarget({ type: 'all' }),
    );
    await db.query(
      'INSERT INTO terminals (household_id, credential_hash, enrolled_at, online) VALUES (?, ?, 0, 1), (?, ?, 0, 0)',
      [h1, `${engine}-t1`, h2, `${engine}-t2`],
    );
    expect(await store.countTerminals([h1!, h2!])).toEqual({ terminals: 2, online: 1 });
    expect(await store.countTerminals([])).toEqual({ terminals: 0, online: 0 });

    expect(await store.getSetting('nothing')).toBeUndefined();
    await store.setSetting('require_emergency_approval', 'true');
    await store.setSetting('require_emergency_approval', 'false');
    expect(await store.getSetting('require_emergency_approval')).toBe('false');
  });

  it('counts receipts per household in one statement, with the latest CAP signature', async () => {
    const [h1, h2, h3] = await households(3);
    const a = await store.add(draft(), { householdIds: [h1!, h2!, h3!], at: 2000 });
    const terminal = async (h: number, n: number) =>
      Number(
        (
          await db.query<{ id: number }>(
            'INSERT INTO terminals (household_id, credential_hash, enrolled_at, revoked_at) VALUES (?, ?, 0, ?) RETURNING id',
            [h, `${engine}-${a.id}-${n}`, n === 1 ? 1 : null],
          )
        )[0]!.id,
      );
    // h1 had two terminals (re-enrolled): counted once; h1 asks for help, h2 is safe, h3 said nothing.
    const receipt = (t: number, h: number, answer: string | null) =>
      db.query(
        `INSERT INTO announcement_receipts (announcement_id, terminal_id, household_id, delivered_at, acknowledged_at,
           safety_answer, answered_at) VALUES (?, ?, ?, 1, 1, ?, ?)`,
        [a.id, t, h, answer, answer ? 1 : null],
      );
    await receipt(await terminal(h1!, 1), h1!, 'safe');
    await receipt(await terminal(h1!, 2), h1!, 'need_help');
    await receipt(await terminal(h2!, 3), h2!, 'safe');
    expect(await store.insertCapMessage({ ...capMessage(`${a.id}-1`, a.id), signature: 'unsigned' }, 10)).toBe(true);
    expect(
      await store.insertCapMessage(
        { ...capMessage(`${a.id}-2`, a.id, 'updated'), signature: 'verified', signedBy: 'CN=city' },
        11,
      ),
    ).toBe(true);
    const sql = counting(engineSql(db));
    const withCounts = await createAnnouncementsStore(sql).withCounts(a.id);
    expect(sql.statements).toBe(1);
    expect(withCounts).toMatchObject({
      id: a.id,
      counts: { targeted: 3, delivered: 2, played: 0, acknowledged: 2, safe: 1, needHelp: 1, notAnswered: 1 },
      capSignature: { state: 'verified', signedBy: 'CN=city' },
      revision: null,
    });
    expect(await store.counts(a.id)).toEqual(withCounts!.counts);
    expect(await store.counts(987_654)).toMatchObject({ targeted: 0, notAnswered: 0 });
    const list = await store.listWithCounts(2);
    expect(list[0]).toEqual(withCounts);
    expect(list).toHaveLength(2);
  });

  it('takes a CAP message once by its key, even from two units of work at once; the loser stores nothing', async () => {
    const key = `race-${engine}`;
    expect(await store.capMessage('city@example.jp', key)).toBeUndefined();
    // What the gateway does: the announcement and its message in one unit of work, given up when
    // the message was taken first (by another hub, or another request on this one).
    const announce = () =>
      store.transaction(async (tx) => {
        const a = await tx.add(draft({ source: 'cap' }), { householdIds: [1], at: 2000 });
        if (!(await tx.insertCapMessage(capMessage(key, a.id), 3000))) throw new Error('already received');
        return a.id;
      });
    const before = await count('announcements');
    const results = await Promise.allSettled([announce(), announce()]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const won = results.find((r): r is PromiseFulfilledResult<number> => r.status === 'fulfilled')!.value;
    expect(await count('announcements')).toBe(before + 1);
    expect(await store.capMessage('city@example.jp', key)).toEqual(capMessage(key, won));
    // The key decides also outside a unit of work, and from another connection's point of view.
    expect(await store.insertCapMessage(capMessage(key, null, 'again'), 4000)).toBe(false);
    const other = await db.otherConnection();
    try {
      expect(
        await other.query('SELECT outcome FROM cap_messages WHERE sender = ? AND identifier = ?', [
          'city@example.jp',
          key,
        ]),
      ).toEqual([{ outcome: 'announced' }]);
    } finally {
      await other.close();
    }
  });
});
