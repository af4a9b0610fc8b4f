import { createTestDatabase, type TestDatabase } from '../testing/postgres';
import { until } from '../testing/until';
import { createJobs, type Job } from './jobs';

/** A job that records when it runs on which hub. */
function recorder(hub: string, log: string[]): Job {
  return { start: () => void log.push(`${hub}:start`), stop: async () => void log.push(`${hub}:stop`) };
}

const noErrors = (err: unknown) => {
  throw err;
};

describe('scheduled jobs on one hub (SQLite)', () => {
  it('start at once, stop on close, and never start in the admin command line', async () => {
    const log: string[] = [];
    const hub = createJobs({ enabled: true, pg: null, onError: noErrors });
    hub.add('ladder', recorder('hub', log));
    expect(log).toEqual(['hub:start']);
    expect(hub.leading).toBe(true);
    expect(() => hub.add('ladder', recorder('hub', log))).toThrow(/twice/);
    await hub.close();
    expect(log).toEqual(['hub:start', 'hub:stop']);

    const cli = createJobs({ enabled: false, pg: null, onError: noErrors });
    cli.add('ladder', recorder('cli', log));
    expect(cli.leading).toBe(false);
    await cli.close();
    expect(log).toEqual(['hub:start', 'hub:stop']);
  });

  it('keep going when one job fails to start', async () => {
    const errors: string[] = [];
    const log: string[] = [];
    const hub = createJobs({ enabled: true, pg: null, onError: (_e, job) => errors.push(job) });
    hub.add('broken', {
      start: () => {
        throw new Error('no');
      },
      stop: () => undefined,
    });
    hub.add('ladder', recorder('hub', log));
    expect(errors).toEqual(['broken']);
    expect(log).toEqual(['hub:start']);
    await hub.close();
  });
});

describe('scheduled jobs on several hubs (PostgreSQL)', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(() => t.drop());

  it('run on exactly one hub; when it dies the other starts them within seconds', async () => {
    const log: string[] = [];
    const a = createJobs({ enabled: true, pg: t.pg, retryMs: 50, onError: noErrors });
    a.add('ladder', recorder('a', log));
    a.add('timers', recorder('a', log));
    await until(() => a.leading, 20_000);
    const b = createJobs({ enabled: true, pg: t.pg, retryMs: 50, onError: noErrors });
    b.add('ladder', recorder('b', log));
    b.add('timers', recorder('b', log));
    await new Promise((r) => setTimeout(r, 300));
    expect(b.leading).toBe(false);
    expect(log).toEqual(['a:start', 'a:start']);

    // Hub A's database connection dies (a killed process): B takes over and starts both jobs.
    await t.pg.query(
      "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid()",
    );
    await until(() => b.leading && log.filter((l) => l === 'b:start').length === 2, 20_000);
    // A learnt it lost the lock and stopped its jobs: never both at once after the handover.
    await until(() => log.filter((l) => l === 'a:stop').length === 2, 20_000);
    expect(a.leading).toBe(false);

    await b.close();
    await until(() => a.leading, 20_000);
    await a.close();
    expect(log.filter((l) => l.endsWith(':start')).length).toBe(log.filter((l) => l.endsWith(':stop')).length);
  });
});
