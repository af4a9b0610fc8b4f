import { buildApp } from '../app';
import { loadConfig } from '../config';
import { loadDatabaseConfig, PostgresNotReadyError, postgresNotReadyMessage, STORES_NOT_ON_POSTGRES } from './engine';

describe('database engine selection', () => {
  it('uses SQLite when TSUNAGU_DATABASE_URL is unset or empty', () => {
    expect(loadConfig({}).database).toEqual({ engine: 'sqlite' });
    expect(loadConfig({ TSUNAGU_DATABASE_URL: ' ' }).database).toEqual({ engine: 'sqlite' });
  });

  it('selects PostgreSQL with a postgres:// URL', () => {
    const url = 'postgres://tsunagu:secret@db.example:5432/tsunagu';
    expect(loadConfig({ TSUNAGU_DATABASE_URL: url }).database).toEqual({ engine: 'postgres', url });
    expect(loadConfig({ TSUNAGU_DATABASE_URL: 'postgresql://db/tsunagu' }).database.engine).toBe('postgres');
  });

  it('refuses anything else without repeating the value (it may hold a password)', () => {
    for (const bad of ['mysql://u:hunter2@db/x', 'postgres://u:hunter2@db', 'hunter2']) {
      const problems: string[] = [];
      loadDatabaseConfig({ TSUNAGU_DATABASE_URL: bad }, problems);
      expect(problems).toEqual([expect.stringMatching(/^TSUNAGU_DATABASE_URL must be a PostgreSQL URL/)]);
      expect(problems[0]).not.toContain('hunter2');
      expect(() => loadConfig({ TSUNAGU_DATABASE_URL: bad })).toThrow(/TSUNAGU_DATABASE_URL/);
    }
  });

  it('says plainly why the hub does not start on PostgreSQL yet', () => {
    expect(postgresNotReadyMessage(['calls', 'shops'])).toMatch(
      /cannot run on it yet:\n.*need SQLite \(calls, shops\)\. Unset TSUNAGU_DATABASE_URL/,
    );
  });

  it('refuses to build a hub on PostgreSQL while some store runs on SQLite only, before connecting', async () => {
    expect(STORES_NOT_ON_POSTGRES.length).toBeGreaterThan(0);
    // Nothing listens on port 1: the refusal comes before any connection is tried.
    const built = buildApp({ config: { database: { engine: 'postgres', url: 'postgres://t@127.0.0.1:1/t' } } });
    await expect(built).rejects.toBeInstanceOf(PostgresNotReadyError);
    await expect(built).rejects.toThrow(/cannot run on it yet/);
  });
});
