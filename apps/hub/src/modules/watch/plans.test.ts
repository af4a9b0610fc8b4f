/**
 * Check-in plans as the watch keeps them: the first asked for reads every plan in one statement (a
 * hub on PostgreSQL with 1,000 households started in a minute with one read each); a household
 * without a plan row is answered the default without asking; a changed plan is read again on its
 * own, and a read of all that started before the change does not bring the old plan back.
 */
import { defaultPlan, type Plan } from '../checkins/plan';
import { createPlans, type WatchContext } from './parts';

const planOf = (householdId: number, deadline = 9 * 60): Plan => ({
  ...defaultPlan(householdId),
  deadline,
  isDefault: false,
  updatedAt: 1,
});

function setUp(rows: Plan[]) {
  const stored = new Map(rows.map((p) => [p.householdId, p]));
  const reads = { all: 0, one: [] as number[] };
  let hold: Promise<void> | null = null;
  const checkins = {
    async listPlans() {
      reads.all++;
      const snapshot = [...stored.values()];
      if (hold) await hold;
      return snapshot;
    },
    async getPlan(id: number) {
      reads.one.push(id);
      return stored.get(id);
    },
    firstSign: async () => undefined,
  };
  const ctx = { config: { timeZone: 'Asia/Tokyo' }, clock: { now: () => 0 } } as unknown as WatchContext;
  const holdReads = () => {
    let release!: () => void;
    hold = new Promise((r) => {
      release = r;
    });
    return () => {
      hold = null;
      release();
    };
  };
  return { plans: createPlans(ctx, checkins), stored, reads, holdReads };
}

describe('check-in plans kept by the watch', () => {
  it('reads every plan once for a thousand households, with the default for those without one', async () => {
    const { plans, reads } = setUp(Array.from({ length: 500 }, (_, i) => planOf(2 * i + 2)));
    const got = await Promise.all(Array.from({ length: 1000 }, (_, i) => plans.planFor(i + 1)));
    expect(got.filter((p) => !p.isDefault).map((p) => p.householdId)).toEqual(
      Array.from({ length: 500 }, (_, i) => 2 * i + 2),
    );
    expect(got[0]).toEqual(defaultPlan(1));
    // A household added since: no plan row, answered without asking.
    expect(await plans.planFor(5000)).toEqual(defaultPlan(5000));
    expect(reads).toEqual({ all: 1, one: [] });
  });

  it('reads a changed plan on its own, and everything again after forgetting all', async () => {
    const { plans, stored, reads } = setUp([planOf(1)]);
    await plans.planFor(1);
    stored.set(1, planOf(1, 8 * 60));
    stored.set(2, planOf(2, 7 * 60));
    plans.forget(1);
    plans.forget(2);
    expect((await plans.planFor(1)).deadline).toBe(8 * 60);
    expect((await plans.planFor(2)).deadline).toBe(7 * 60);
    expect(await plans.planFor(3)).toEqual(defaultPlan(3));
    expect(reads).toEqual({ all: 1, one: [1, 2] });
    plans.forgetAll();
    stored.delete(1);
    expect(await plans.planFor(1)).toEqual(defaultPlan(1));
    expect(reads.all).toBe(2);
  });

  it('does not keep the old plan a read of all brought back after the plan changed', async () => {
    const { plans, stored, reads, holdReads } = setUp([planOf(1, 9 * 60)]);
    const release = holdReads();
    const first = plans.planFor(2);
    // Saved (here or on another hub) while every plan was being read.
    stored.set(1, planOf(1, 6 * 60));
    plans.forget(1);
    release();
    await first;
    expect((await plans.planFor(1)).deadline).toBe(6 * 60);
    expect(reads).toEqual({ all: 1, one: [1] });
  });
});
