/**
 * Which failures are storage problems (STORAGE_UNAVAILABLE, retry later) and which are bugs
 * (INTERNAL): PostgreSQL's own refusals and a server that went away, on a real server.
 */
import { openPostgres } from '../db/postgres';
import { postgresSql } from '../db/sql';
import { createTestDatabase, type TestDatabase } from '../testing/postgres';
import { storageProblemOf } from './storage-errors';

describe('storage problems on PostgreSQL', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(() => t.drop());

  const failure = (work: Promise<unknown>) =>
    work.then(
      () => null,
      (err: unknown) => err,
    );

  it('a connection the server ended, or a pool that cannot reach it, is "unreachable"', async () => {
    const pg = await openPostgres(t.url, { migrate: false, max: 1 });
    const sql = postgresSql(pg);
    const pid = (await sql.get<{ pid: number }>('SELECT pg_backend_pid() AS pid'))!.pid;
    // The server ends this hub's connection in the middle of a unit of work (57P01, or the socket closing).
    const ended = await failure(
      sql.transaction(async (tx) => {
        await t.pg.query('SELECT pg_terminate_backend($1)', [pid]);
        await tx.get('SELECT 1');
      }),
    );
    expect(storageProblemOf(ended)).toBe('unreachable');
    await pg.end();
    expect(storageProblemOf(await failure(sql.get('SELECT 1')))).toBe('unreachable');
    const nowhere = postgresSql(await openPostgres('postgres://nobody@127.0.0.1:1/none', { migrate: false }));
    expect(storageProblemOf(await failure(nowhere.get('SELECT 1')))).toBe('unreachable');
  });

  it('a read-only transaction refusing a write is "read_only"; a bad statement is a bug, not storage', async () => {
    const sql = postgresSql(t.pg);
    const readOnly = await failure(
      sql.transaction(async (tx) => {
        await tx.run('SET TRANSACTION READ ONLY');
        await tx.run("INSERT INTO districts (code, name, name_en) VALUES ('x', 'x', 'x')");
      }),
    );
    expect(storageProblemOf(readOnly)).toBe('read_only');
    expect(storageProblemOf(await failure(sql.get('SELEC 1')))).toBeNull();
    expect(storageProblemOf(await failure(sql.get('SELECT * FROM no_such_table')))).toBeNull();
    // The same network error elsewhere (a web push, the JMA feed) is not a storage problem.
    expect(storageProblemOf(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBeNull();
  });
});
