/**
 * Round trips: a view of an announcement (with its receipt counts) is one query, a list is one
 * query however long, and sending at once stores the announcement as published in one insert —
 * never inserted as scheduled, re-read and flipped.
 */
import { createTestHub, enrollTerminal, type TestHub } from '../../testing/harness';
import { recordStatements } from '../../testing/test-engine';
import type { AnnouncementsService } from './service';

describe('announcement views and sends without needless round trips', () => {
  let hub: TestHub;
  let svc: AnnouncementsService;
  const actor = { kind: 'person', name: 'user:1:cityhall' } as const;
  /** The SQL statements `fn` runs (on either engine). */
  const run = async <T>(fn: () => T | Promise<T>) => {
    const recording = recordStatements();
    try {
      const out = await fn();
      return { out, ran: recording.statements() };
    } finally {
      recording.stop();
    }
  };

  beforeAll(async () => {
    hub = await createTestHub();
    svc = hub.capabilities.announcements as AnnouncementsService;
    const terminal = await enrollTerminal(hub, hub.fixture.households[0]!);
    for (let i = 0; i < 30; i++) {
      const a = await svc.create(
        { kind: 'routine', titleJa: `お知らせ${i}`, bodyJa: '本文', target: { type: 'all' } },
        actor,
      );
      await svc.receipt(
        { terminalId: terminal.terminalId, householdId: hub.fixture.households[0]! },
        { announcementId: a.id, stage: 'delivered' },
      );
    }
  });
  afterAll(() => hub.close());

  it('lists announcements with their counts in one query', async () => {
    const { out, ran } = await run(() => svc.list(50));
    expect(out).toHaveLength(30);
    expect(out.every((a) => a.counts.targeted === 3 && a.counts.delivered === 1)).toBe(true);
    expect(ran).toHaveLength(1);
  });

  it('reads one announcement with its counts in one query', async () => {
    const id = (await svc.list(1))[0]!.id;
    const { out, ran } = await run(() => svc.get(id));
    expect(out.counts).toMatchObject({ targeted: 3, delivered: 1, acknowledged: 0, notAnswered: 3 });
    expect(ran).toHaveLength(1);
  });

  it('stores an immediate send as published in one insert, and answers without reading it back', async () => {
    const { out, ran } = await run(() =>
      svc.create({ kind: 'important', titleJa: '断水', bodyJa: '本日は断水です。', target: { type: 'all' } }, actor),
    );
    expect(out).toMatchObject({ status: 'published', counts: { targeted: 3, notAnswered: 3 } });
    const onAnnouncements = ran.filter((sql) => /\bannouncements\b/.test(sql) && !/announcement_targets/.test(sql));
    // The insert (RETURNING the stored row) and nothing else: no re-read, no status flip, no recount.
    expect(onAnnouncements).toHaveLength(1);
    expect(onAnnouncements[0]).toMatch(/^INSERT INTO announcements/);
    expect(onAnnouncements[0]).toMatch(/RETURNING/);
    expect(ran.some((sql) => /announcement_receipts/.test(sql))).toBe(false);
  });

  it('stores a scheduled send once, without reading it back', async () => {
    const sendAt = new Date(hub.clock.now() + 3_600_000).toISOString();
    const { out, ran } = await run(() =>
      svc.create({ kind: 'routine', titleJa: '予定', bodyJa: '明日', target: { type: 'all' }, sendAt }, actor),
    );
    expect(out.status).toBe('scheduled');
    expect(ran.filter((sql) => /\bannouncements\b/.test(sql))).toHaveLength(1);
    await svc.cancel(out.id);
  });
});
