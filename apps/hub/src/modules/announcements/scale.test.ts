/**
 * A city of 10,000 households: publishing freezes 10,000 targets in one transaction, and 30,000
 * receipts arriving together are group-committed in a handful of transactions. Prints the timings.
 */
import { FakeClock } from '../../lib/clock';
import { type TestHub, withHub } from '../../testing/harness';
import type { AnnouncementsService } from './service';

const HOUSEHOLDS = 10_000;

describe('announcements at city scale', () => {
  let hub: TestHub;
  withHub(
    'all',
    async (made) => {
      hub = made;
      // Fixture only: two statements are much faster than enrolling 10,000 terminals one by one.
      const sql = hub.ctx.sql;
      const last = Math.max(...hub.fixture.households);
      const [ids, param] = sql.idsOf(Array.from({ length: HOUSEHOLDS - 3 }, (_, i) => i));
      await sql.transaction(async (tx) => {
        await tx.run(
          `INSERT INTO households (name, address, district_id, created_at) SELECT 'h', 'a', ?, 0 FROM (${ids}) AS n`,
          [hub.fixture.districts[0]!, param],
        );
        await tx.run(
          "INSERT INTO terminals (household_id, credential_hash, enrolled_at) SELECT id, 'hash-' || id, 0 FROM households WHERE id > ?",
          [last],
        );
      });
    },
    { clock: new FakeClock(Date.parse('2026-01-05T00:00:00Z')) },
  );

  it('publishes to 10,000 households and commits 30,000 receipts in few transactions', async () => {
    const svc = hub.capabilities.announcements as AnnouncementsService;
    let started = performance.now();
    const a = await svc.create(
      { kind: 'important', titleJa: '断水', bodyJa: '本日は断水です。', target: { type: 'all' } },
      { kind: 'person', name: 'test' },
    );
    const publishMs = performance.now() - started;
    expect(a.counts.targeted).toBe(HOUSEHOLDS);

    const terminals = await hub.ctx.sql.all<{ id: number; householdId: number }>(
      'SELECT id, household_id AS "householdId" FROM terminals',
    );
    expect(terminals.length).toBe(HOUSEHOLDS - 3);
    started = performance.now();
    await Promise.all(
      terminals.flatMap((t) =>
        (['delivered', 'played', 'acknowledged'] as const).map((stage) =>
          svc.receipt({ terminalId: t.id, householdId: t.householdId }, { announcementId: a.id, stage }),
        ),
      ),
    );
    const receiptsMs = performance.now() - started;
    expect(await svc.counts(a.id)).toMatchObject({
      targeted: HOUSEHOLDS,
      delivered: HOUSEHOLDS - 3,
      played: HOUSEHOLDS - 3,
      acknowledged: HOUSEHOLDS - 3,
      notAnswered: 3,
    });
    const metric = await hub.ctx.metrics.registry.getSingleMetricAsString('tsunagu_announcement_receipt_batch_size');
    const batches = Number(/_count (\d+)/.exec(metric)![1]);
    started = performance.now();
    await svc.counts(a.id);
    const countsMs = performance.now() - started;
    started = performance.now();
    expect(await svc.followUps(a.id, 'needsAssistance')).toHaveLength(3);
    const followUpsMs = performance.now() - started;
    console.log(
      `10,000 households: publish ${publishMs.toFixed(0)} ms; ${terminals.length * 3} receipts in ${receiptsMs.toFixed(0)} ms over ${batches} transactions; one recount ${countsMs.toFixed(1)} ms; follow-up list ${followUpsMs.toFixed(1)} ms`,
    );
    // No wall-clock bounds (the machine is shared; timings belong in `npm run bench`): what is
    // asserted is the shape of the work — receipts group-committed, not one transaction each.
    expect(batches).toBeLessThanOrEqual(30);
  });
});
