import { loadConfig } from '../config';
import { loadDatabaseConfig } from './engine';

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
});
