import { type TestDatabase, withTestDatabase } from '../testing/postgres';
import { until } from '../testing/until';
import { listenForChanges, notifyChange } from './change-feed';
import { inTransaction } from './postgres';

describe('change feed on PostgreSQL (LISTEN/NOTIFY)', () => {
  let t: TestDatabase;
  withTestDatabase((made) => (t = made));

  it('hears committed changes only, and resets after losing its connection', async () => {
    const heard: string[] = [];
    let resets = 0;
    const feed = listenForChanges(
      t.pg,
      ['checkin_plans', 'sessions'],
      { onChange: (channel, key) => heard.push(`${channel}:${key}`), onReset: () => resets++ },
      { retryMs: 50 },
    );
    await until(() => feed.listening);
    expect(resets).toBe(1);

    // Another hub's transactions: one commits, one rolls back.
    await inTransaction(t.pg, (c) => notifyChange(c, 'checkin_plans', 7));
    await expect(
      inTransaction(t.pg, async (c) => {
        await notifyChange(c, 'checkin_plans', 8);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await notifyChange(t.pg, 'sessions', 'user:3');
    await until(() => heard.length >= 2);
    expect(heard).toEqual(['checkin_plans:7', 'sessions:user:3']);

    // The listening connection dies: what is sent meanwhile is lost, so the cache starts again.
    const listener = await t.pg.query<{ pid: number }>(
      "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN %' AND pid <> pg_backend_pid()",
    );
    expect(listener.rows).toHaveLength(1);
    await t.pg.query('SELECT pg_terminate_backend($1)', [listener.rows[0]!.pid]);
    await until(() => resets === 2 && feed.listening);
    await notifyChange(t.pg, 'checkin_plans', 9);
    await until(() => heard.length === 3);
    expect(heard[2]).toBe('checkin_plans:9');

    await feed.stop();
    expect(feed.listening).toBe(false);
    // Its connection is closed, not returned to the pool still listening.
    await until(
      async () =>
        (
          await t.pg.query(
            "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN %'",
          )
        ).rowCount === 0,
    );
  });

  it('refuses a channel name that is not a plain identifier', () => {
    expect(() => listenForChanges(t.pg, ['plans; DROP TABLE x'], { onChange() {}, onReset() {} })).toThrow(
      /Bad channel name/,
    );
  });
});
