import { type TestDatabase, withTestDatabase } from '../testing/postgres';
import { until } from '../testing/until';
import { electLeader, lockKey } from './leader';

// pg_locks shows the whole server's locks, and other test files' hubs (other databases on the same
// server) hold advisory locks of their own: only this test's database counts.
const THIS_DATABASE =
  "locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())";

describe('leader election on PostgreSQL', () => {
  let t: TestDatabase;
  withTestDatabase((made) => (t = made));

  it('gives a job one leader; when its connection dies another hub takes over', async () => {
    const changes: string[] = [];
    const a = electLeader(t.pg, 'watch-ladder', { retryMs: 50, onChange: (l) => changes.push(`a:${l}`) });
    await until(() => a.leader);
    const b = electLeader(t.pg, 'watch-ladder', { retryMs: 50, onChange: (l) => changes.push(`b:${l}`) });
    // Another job has a leader of its own.
    const other = electLeader(t.pg, 'jma-poller', { retryMs: 50 });
    await until(() => other.leader);
    expect(b.leader).toBe(false);

    // The leading hub's connection dies (a killed process, a cut network): PostgreSQL frees the lock.
    const holder = await t.pg.query<{ pid: number }>(
      `SELECT pid FROM pg_locks WHERE ${THIS_DATABASE} AND granted AND ((classid::bigint << 32) | objid::bigint) = $1::bigint`,
      [lockKey('watch-ladder')],
    );
    expect(holder.rows).toHaveLength(1);
    await t.pg.query('SELECT pg_terminate_backend($1)', [holder.rows[0]!.pid]);
    await until(() => b.leader && !a.leader);
    expect(changes).toEqual(['a:true', expect.stringMatching(/^[ab]:/), expect.stringMatching(/^[ab]:/)]);
    expect(changes.slice(1).sort()).toEqual(['a:false', 'b:true']);

    // A hub that stops gives up leadership: the other takes it at its next try.
    await b.stop();
    await until(() => a.leader);
    await Promise.all([a.stop(), other.stop()]);
    const locks = await t.pg.query(`SELECT 1 FROM pg_locks WHERE ${THIS_DATABASE}`);
    expect(locks.rowCount).toBe(0);
  });

  it('has given every lock back when stop settles', async () => {
    // Closing a session frees its locks only once the server has seen it go; stop() must not
    // settle before then, or a hub that stops and starts again finds its own lock still held.
    for (let round = 0; round < 5; round++) {
      const all = Array.from({ length: 10 }, (_, i) => electLeader(t.pg, `job-${i}`, { retryMs: 50 }));
      await until(() => all.every((l) => l.leader));
      await Promise.all(all.map((l) => l.stop()));
      const locks = await t.pg.query(`SELECT 1 FROM pg_locks WHERE ${THIS_DATABASE}`);
      expect(locks.rowCount).toBe(0);
    }
  });
});
