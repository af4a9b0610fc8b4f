// Staff views take household names from a cache: a rename shows in the next view, not a stale copy
// (calls/directory.ts reads the household again when it changes; on PostgreSQL that read ends a
// round trip after the rename is answered, so there the test gives it that moment).
import type { Ack, QueuePosition, QueueView } from '@tsunagu/protocol';
import { emitAck, TEST_ENGINE, type TestHub, withHub } from '../../testing/harness';
import { until } from '../../testing/until';

describe('calls: staff views', () => {
  let hub: TestHub;
  withHub('all', (made) => (hub = made));

  it('show a waiting household under its new name once city hall renames it', async () => {
    const householdId = hub.fixture.households[0]!;
    const shopId = hub.fixture.shopId;
    const t = await hub.terminal(0);
    const asked = await emitAck<Ack<QueuePosition>>(t, 'call:request', { shopId });
    expect(asked.ok).toBe(true);
    const operator = hub.as(await hub.login('operator'));
    const names = async () => {
      const view = (await operator({ method: 'GET', url: `/api/calls/queues/${shopId}` })).json() as QueueView;
      return view.entries.filter((e) => e.householdId === householdId).map((e) => e.householdName);
    };
    const before = await names();
    expect(before).toHaveLength(1);
    expect(before[0]).not.toBe('改名 花子');

    const cityhall = hub.as(hub.sessionFor(hub.fixture.users.cityhall));
    const renamed = await cityhall({
      method: 'PATCH',
      url: `/api/households/${householdId}`,
      payload: { name: '改名 花子' },
    });
    expect(renamed.statusCode).toBe(200);
    if (TEST_ENGINE === 'postgres') await until(async () => (await names())[0] === '改名 花子', 2000);
    expect(await names()).toEqual(['改名 花子']);
  });
});
