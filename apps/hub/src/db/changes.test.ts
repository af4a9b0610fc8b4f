/**
 * Two hubs' caches on one real PostgreSQL database (db/changes.ts): a session ended on hub A ends on
 * hub B, whose guard had it cached; a change in a unit of work that rolls back is never heard;
 * `heard()` waits until a hub has heard every change committed before it was called.
 */

import { FakeClock } from '../lib/clock';
import type { SessionsEnded } from '../modules/accounts/service';
import { createSessionGuard, shareSessionEnds } from '../modules/accounts/session-guard';
import { createAccountsStore } from '../modules/accounts/store';
import { createTestDatabase, type TestDatabase } from '../testing/postgres';
import { until } from '../testing/until';
import { type Changes, noChanges, postgresChanges } from './changes';
import { openPostgres, type Pg } from './postgres';
import { postgresSql, type Sql } from './sql';

describe('caches across hubs on PostgreSQL (ctx.changes)', () => {
  let t: TestDatabase;
  const hubs: { pg: Pg; sql: Sql; changes: Changes }[] = [];
  const hub = async () => {
    const pg = await openPostgres(t.url, { migrate: false, max: 3 });
    const h = { pg, sql: postgresSql(pg), changes: postgresChanges(pg, { retryMs: 50 }) };
    hubs.push(h);
    return h;
  };
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    for (const h of hubs) {
      await h.changes.stop();
      await h.pg.end();
    }
    await t.drop();
  });

  it("ends on hub B a session that hub A ended, though B's guard had it cached", async () => {
    const clock = new FakeClock(1_000_000);
    const a = await hub();
    const b = await hub();
    const accounts = createAccountsStore(a.sql);
    const user = await accounts.createUser(
      {
        username: 'w',
        displayName: 'w',
        passwordHash: 'h',
        role: 'watcher',
        admin: false,
        shopId: null,
        watcherKind: 'family',
      },
      0,
    );
    const session = await accounts.createSession({
      tokenHash: 't',
      userId: user,
      csrfToken: 'c',
      now: clock.now(),
      expiresAt: clock.now() + 3_600_000,
      ip: null,
    });

    const guardB = createSessionGuard({ store: createAccountsStore(b.sql), clock, idleMs: 3_600_000 });
    const endedOnB: SessionsEnded[] = [];
    let resetsOnB = 0;
    const share = (h: typeof a, guard: typeof guardB | null, log: SessionsEnded[]) =>
      shareSessionEnds({
        changes: h.changes,
        sql: h.sql,
        end(ended) {
          guard?.invalidate();
          log.push(ended);
        },
        // Only B's feed counts (A's connects as well, at about the same moment).
        reset: () => void (h === b && resetsOnB++),
        onError: (err) => {
          throw err;
        },
      });
    const endOnA = share(a, null, []);
    share(b, guardB, endedOnB);
    a.changes.start();
    b.changes.start();
    await until(() => resetsOnB === 1);

    // B looks the session up once (a miss waits for the store), then answers from memory.
    await expect(guardB.isLive(session, false)).resolves.toBe(true);
    expect(guardB.isLive(session, false)).toBe(true);

    // Hub A signs the user out everywhere.
    await createAccountsStore(a.sql).deleteSessionsOfUser(user);
    // Told before it settles: once B has heard everything committed since, it has heard this.
    await endOnA({ userId: user });
    await b.changes.heard();
    expect(endedOnB).toEqual([{ userId: user }]);
    await expect(guardB.isLive(session, false)).resolves.toBe(false);

    // A change sent in a unit of work that rolls back is never heard.
    await expect(
      a.sql.transaction(async (tx) => {
        await a.changes.notify(tx, 'sessions', JSON.stringify({ sessionId: 99 }));
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await a.sql.transaction((tx) => a.changes.notify(tx, 'sessions', JSON.stringify({ sessionId: 100 })));
    await until(() => endedOnB.length === 2);
    expect(endedOnB[1]).toEqual({ sessionId: 100 });
  });

  it('heard(): resolves once the hub has heard every change committed before, in commit order', async () => {
    const a = await hub();
    const b = await hub();
    const heardOnB: string[] = [];
    let resetsOnB = 0;
    b.changes.subscribe('probe', { onChange: (key) => void heardOnB.push(key), onReset: () => void resetsOnB++ });
    // Before its feed starts, a hub has nothing to hear.
    await expect(b.changes.heard()).resolves.toBeUndefined();
    b.changes.start();
    await until(() => resetsOnB === 1);
    for (let round = 1; round <= 20; round++) {
      await a.sql.transaction((tx) => a.changes.notify(tx, 'probe', round));
      await b.changes.heard();
      expect(heardOnB.at(-1)).toBe(String(round));
    }
    expect(heardOnB).toHaveLength(20);
    // Another hub's waits are not B's: B hears A's token and goes on waiting for its own.
    a.changes.subscribe('probe', { onChange: () => undefined, onReset: () => undefined });
    a.changes.start();
    await a.changes.heard();
    expect(heardOnB).toHaveLength(20);
    // A hub that stops does not leave anyone waiting.
    const pending = b.changes.heard();
    await b.changes.stop();
    await expect(pending).resolves.toBeUndefined();
  });
});

describe('one hub on SQLite (noChanges)', () => {
  it('has heard everything at once', async () => {
    await expect(noChanges.heard()).resolves.toBeUndefined();
  });
});
