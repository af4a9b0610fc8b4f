/**
 * The catch-up list is read from the published set once per change of that set: every change —
 * publish, narrower targets, an update, a cancel — shows in the next list, with no stale entry.
 */
import { type TestHub, withHub } from '../../testing/harness';
import { TEST_ENGINE } from '../../testing/test-engine';
import { until } from '../../testing/until';
import { createCatchUp } from './catch-up';
import type { ReceiptsStore } from './receipt-store';
import type { AnnouncementsService } from './service';
import type { AnnouncementsStore } from './store';

describe('catch-up list from the kept published set', () => {
  let hub: TestHub;
  withHub('all', (made) => (hub = made));

  it('follows every change of the set', async () => {
    const svc = hub.capabilities.announcements as AnnouncementsService;
    const cityhall = hub.as(hub.sessionFor(hub.fixture.users.cityhall));
    const [h0, h1] = hub.fixture.households as [number, number];
    const shown = async (householdId: number) => (await svc.forHousehold(householdId)).map((a) => [a.id, a.version]);
    const create = async (payload: Record<string, unknown>) => {
      const res = await cityhall({
        method: 'POST',
        url: '/api/announcements',
        payload: { kind: 'routine', titleJa: 'お知らせ', bodyJa: '本文です。', target: { type: 'all' }, ...payload },
      });
      expect(res.statusCode).toBe(201);
      return (res.json() as { id: number }).id;
    };

    // Read once (nothing published): the set is now kept.
    expect(await shown(h0)).toEqual([]);
    const a = await create({});
    expect(await shown(h0)).toEqual([[a, 1]]);
    const b = await create({ target: { type: 'households', householdIds: [h1] } });
    expect(await shown(h0)).toEqual([[a, 1]]);
    expect(await shown(h1)).toEqual([
      [a, 1],
      [b, 1],
    ]);
    const patched = await cityhall({ method: 'PATCH', url: `/api/announcements/${a}`, payload: { bodyJa: '訂正' } });
    expect(patched.statusCode).toBe(200);
    expect(await shown(h0)).toEqual([[a, 2]]);
    // What the receipts and the clip's fast path ask first: the kept targets, without a query.
    expect([svc.targetedNow(a, h0), svc.targetedNow(b, h1), svc.targetedNow(b, h0)]).toEqual([true, true, undefined]);
    expect((await cityhall({ method: 'POST', url: `/api/announcements/${a}/cancel` })).statusCode).toBe(200);
    // A change drops the kept set: nothing is said from memory until it is read again, which the
    // first question starts by itself (the receipts after a publish come before any connect).
    // (On PostgreSQL the read again has already ended by the time the answer comes back.)
    if (TEST_ENGINE === 'sqlite') expect(svc.targetedNow(b, h1)).toBeUndefined();
    await until(() => svc.targetedNow(b, h1) !== undefined, 10_000);
    expect(svc.targetedNow(b, h1)).toBe(true);
    expect(svc.targetedNow(a, h0)).toBeUndefined();
    expect(await shown(h0)).toEqual([]);
    expect(await shown(h1)).toEqual([[b, 1]]);
    expect([svc.targetedNow(a, h0), svc.targetedNow(b, h1)]).toEqual([undefined, true]);
  });
});

describe('a read of the set that a change overtook', () => {
  it('is read again before it answers (a terminal sent the change live meanwhile keeps it)', async () => {
    const published = (id: number) =>
      ({ id, version: 1, status: 'published', publishedAt: id, expiresAt: null, target: { type: 'all' } }) as never;
    let stored = [published(1)];
    let release: () => void = () => undefined;
    let reads = 0;
    const store = {
      byStatus: async () => {
        reads++;
        const seen = stored;
        // The first read is slow: the change commits (and is heard) while it is on its way.
        if (reads === 1) await new Promise<void>((r) => (release = r));
        return seen;
      },
      targetHouseholdIds: async () => [7],
    } as unknown as AnnouncementsStore;
    const receipts = { receiptStates: async () => [] } as unknown as ReceiptsStore;
    const catchUp = createCatchUp(store, receipts);
    const answer = catchUp.forHousehold(7, 0);
    await new Promise((r) => setImmediate(r));
    stored = [published(1), published(2)];
    catchUp.changed();
    release();
    expect((await answer).map((a) => a.id)).toEqual([1, 2]);
    expect(reads).toBe(2);
  });
});
