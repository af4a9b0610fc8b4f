import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { openPostgres } from '../db/postgres';
import { createTestDatabase, startPostgres, type TestDatabase, withTestDatabase } from './postgres';

describe('test PostgreSQL', () => {
  let t: TestDatabase;
  withTestDatabase((made) => (t = made));

  it('gives each test file its own migrated database, BIGINTs as numbers', async () => {
    const versions = await t.pg.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(versions.rows.map((r) => r.version)).toEqual(expect.arrayContaining([1, 4]));
    const big = await t.pg.query<{ n: number }>('SELECT 1700000000000::bigint AS n');
    expect(big.rows[0]!.n).toBe(1_700_000_000_000);
    const other = await createTestDatabase();
    try {
      await t.pg.query("INSERT INTO districts (code, name, name_en) VALUES ('x', 'X', 'X')");
      const there = await other.pg.query('SELECT * FROM districts');
      expect(there.rowCount).toBe(0);
    } finally {
      await other.drop();
    }
  });

  it('refuses a BIGINT beyond what JavaScript holds exactly rather than rounding it', async () => {
    await expect(t.pg.query('SELECT 9007199254740993::bigint AS n')).rejects.toThrow(/safe integers/);
  });

  it('stops a server and removes its directory when the owning process dies', async () => {
    const owner = spawn('sleep', ['600'], { stdio: 'ignore' });
    const server = await startPostgres({ ownerPid: owner.pid! });
    const pool = await openPostgres(server.url, { migrate: false, max: 1 });
    const dir = (await pool.query<{ setting: string }>("SELECT setting FROM pg_settings WHERE name = 'data_directory'"))
      .rows[0]!.setting;
    await pool.end();
    expect(fs.existsSync(dir)).toBe(true);
    owner.kill('SIGKILL');
    // The watchdog notices within a second; nothing answers on the port afterwards.
    while (fs.existsSync(dir) || (await listening(server.port))) await new Promise((r) => setTimeout(r, 200));
    expect(await listening(server.port)).toBe(false);
    await server.stop();
  });
});

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
