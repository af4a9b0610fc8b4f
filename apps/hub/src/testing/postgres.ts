/**
 * A real PostgreSQL (Debian's postgresql-15) for tests: a throwaway cluster in a temporary directory
 * on a free port of 127.0.0.1, one per jest run (started by the first test file that asks, shared by
 * the others), a fresh migrated database per test file. As root the server runs as the `postgres`
 * user (PostgreSQL refuses root); otherwise as the current user. A watchdog process stops the
 * server and removes its directory when the owning process dies, however it dies.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { openPostgres, type Pg } from '../db/postgres';
import { fixture } from './lifetime';

const run = promisify(execFile);
export const POSTGRES_BIN = process.env.TSUNAGU_POSTGRES_BIN ?? '/usr/lib/postgresql/15/bin';
const SUPERUSER = 'tsunagu';

export interface PostgresServer {
  /** URL of the server's `postgres` database (superuser, no password: trust on 127.0.0.1 only). */
  url: string;
  port: number;
  stop(): Promise<void>;
}

const asRoot = process.getuid?.() === 0;
/** Runs a PostgreSQL program as the user the cluster belongs to. */
function pgCommand(program: string, args: string[]): [string, string[]] {
  const bin = program === 'cp' ? program : path.join(POSTGRES_BIN, program);
  return asRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const INITDB_ARGS = [
  '-U',
  SUPERUSER,
  '--auth=trust',
  '--encoding=UTF8',
  '--locale=C',
  '--no-sync',
  '--no-instructions',
];

/**
 * An initdb'd data directory to copy (initdb takes seconds, a copy a fraction of one), kept in the
 * temporary directory per PostgreSQL and settings, made once: built aside, then renamed into place.
 */
async function initializedCluster(): Promise<string> {
  const key = createHash('sha256')
    .update(`${POSTGRES_BIN}\0${INITDB_ARGS.join('\0')}`)
    .digest('hex')
    .slice(0, 12);
  const template = path.join(os.tmpdir(), `tsunagu-pg-template-${process.getuid?.() ?? 0}-${key}`);
  if (fs.existsSync(path.join(template, 'data', 'PG_VERSION'))) return path.join(template, 'data');
  const building = fs.mkdtempSync(`${template}.building-`);
  fs.chmodSync(building, 0o755);
  if (asRoot) {
    const { uid, gid } = fs.statSync('/var/lib/postgresql');
    fs.chownSync(building, uid, gid);
  }
  try {
    const [initdb, args] = pgCommand('initdb', ['-D', path.join(building, 'data'), ...INITDB_ARGS]);
    await run(initdb, args);
    fs.renameSync(building, template);
  } catch (error) {
    fs.rmSync(building, { recursive: true, force: true });
    // Another process made it meanwhile.
    if (!fs.existsSync(path.join(template, 'data', 'PG_VERSION'))) throw error;
  }
  return path.join(template, 'data');
}

/**
 * Starts a cluster in `dir` (created if missing; removed on stop). `ownerPid`: the process whose
 * death stops it (default: this one). `durable`: PostgreSQL's own defaults (fsync, synchronous commit,
 * full-page writes), for the bench's throughput next to SQLite's synchronous=FULL; tests keep them off.
 */
export async function startPostgres(
  options: { dir?: string; ownerPid?: number; durable?: boolean } = {},
): Promise<PostgresServer> {
  const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'tsunagu-pg-'));
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (asRoot) {
    const { uid, gid } = fs.statSync('/var/lib/postgresql');
    fs.chownSync(dir, uid, gid);
  }
  const data = path.join(dir, 'data');
  const [cp, cpArgs] = pgCommand('cp', ['-a', await initializedCluster(), data]);
  await run(cp, cpArgs);
  // The owner's watchdog: from here on, the directory (and the server in it) goes when the owner does.
  const watchdog = startWatchdog(options.ownerPid ?? process.pid, dir, data);
  let port = 0;
  for (let attempt = 0; ; attempt++) {
    port = await freePort();
    // Durability settings off: a test cluster is thrown away; the hub's guarantees do not rest on them.
    const settings = [
      '-c listen_addresses=127.0.0.1',
      `-c port=${port}`,
      `-c unix_socket_directories=${dir}`,
      ...(options.durable ? [] : ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off']),
      '-c max_connections=200',
    ].join(' ');
    const [pgCtl, args] = pgCommand('pg_ctl', [
      'start',
      '-D',
      data,
      '-w',
      '-t',
      '60',
      '-l',
      path.join(dir, 'log'),
      '-o',
      settings,
    ]);
    try {
      await run(pgCtl, args);
      break;
    } catch (error) {
      // Another process took the port between our probe and the server's bind: try another one.
      if (attempt >= 3) {
        watchdog.kill();
        const log = fs.existsSync(path.join(dir, 'log')) ? fs.readFileSync(path.join(dir, 'log'), 'utf8') : '';
        fs.rmSync(dir, { recursive: true, force: true });
        throw new Error(`PostgreSQL did not start: ${(error as Error).message}\n${log.slice(-2000)}`);
      }
    }
  }
  let stopped = false;
  return {
    url: `postgres://${SUPERUSER}@127.0.0.1:${port}/postgres`,
    port,
    async stop() {
      if (stopped) return;
      stopped = true;
      await stopCluster(dir, data);
      watchdog.kill();
    },
  };
}

async function stopCluster(dir: string, data: string): Promise<void> {
  const [pgCtl, args] = pgCommand('pg_ctl', ['stop', '-D', data, '-m', 'immediate', '-w']);
  await run(pgCtl, args).catch(() => undefined);
  fs.rmSync(dir, { recursive: true, force: true });
}

function startWatchdog(ownerPid: number, dir: string, data: string): ChildProcess {
  const [pgCtl, args] = pgCommand('pg_ctl', ['stop', '-D', data, '-m', 'immediate']);
  const stop = [pgCtl, ...args].map((a) => `'${a}'`).join(' ');
  const script = `while kill -0 ${ownerPid} 2>/dev/null; do sleep 1; done; ${stop} >/dev/null 2>&1; rm -rf '${dir}'`;
  const child = spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' });
  child.unref();
  return child;
}

// One server per jest run: globalSetup (testing/postgres-global.ts) names a run directory and the
// owning process; the first test file to ask starts the server there, the others wait for it.
const RUN_DIR = 'TSUNAGU_TEST_PG_RUN';
const OWNER = 'TSUNAGU_TEST_PG_OWNER';
let shared: Promise<{ url: string }> | undefined;

// Migrated once per server; each test database is a copy (CREATE DATABASE … TEMPLATE).
const TEMPLATE = 'tsunagu_template';

async function createTemplate(url: string): Promise<void> {
  const admin = await openPostgres(url, { migrate: false, max: 1 });
  await admin.query(`CREATE DATABASE ${TEMPLATE}`).finally(() => admin.end());
  const template = await openPostgres(url.replace(/\/postgres$/, `/${TEMPLATE}`), { max: 1 });
  await template.end();
}

async function sharedServer(): Promise<{ url: string }> {
  const runDir = process.env[RUN_DIR];
  if (!runDir) {
    // Outside jest's global setup (a script): a private server that dies with this process.
    const server = await startPostgres();
    process.once('exit', () => void server.stop());
    await createTemplate(server.url);
    return server;
  }
  const ready = path.join(runDir, 'ready.json');
  const failed = path.join(runDir, 'failed.txt');
  let starter = false;
  try {
    fs.mkdirSync(path.join(runDir, 'lock'));
    starter = true;
  } catch {}
  if (starter) {
    try {
      const server = await startPostgres({ dir: path.join(runDir, 'server'), ownerPid: Number(process.env[OWNER]) });
      await createTemplate(server.url);
      fs.writeFileSync(`${ready}.tmp`, JSON.stringify({ url: server.url }));
      fs.renameSync(`${ready}.tmp`, ready);
    } catch (error) {
      fs.writeFileSync(failed, String((error as Error).message));
      throw error;
    }
  }
  for (let waited = 0; waited < 120_000; waited += 100) {
    if (fs.existsSync(ready)) return JSON.parse(fs.readFileSync(ready, 'utf8')) as { url: string };
    if (fs.existsSync(failed)) throw new Error(`PostgreSQL did not start: ${fs.readFileSync(failed, 'utf8')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('PostgreSQL did not start within two minutes');
}

export interface TestDatabase {
  url: string;
  pg: Pg;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

/** A new, migrated database on the run's server (started on first use). */
export async function createTestDatabase(): Promise<TestDatabase> {
  shared ??= sharedServer();
  const server = await shared;
  const name = `test_${randomBytes(6).toString('hex')}`;
  const admin = await openPostgres(server.url, { migrate: false, max: 1 });
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE}`);
  } finally {
    await admin.end();
  }
  const url = server.url.replace(/\/postgres$/, `/${name}`);
  // Already migrated: a copy of the template.
  const pg = await openPostgres(url, { migrate: false });
  return {
    url,
    pg,
    async drop() {
      await pg.end();
      const a = await openPostgres(server.url, { migrate: false, max: 1 });
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).finally(() => a.end());
    },
  };
}

/** A test database for the tests of the enclosing `describe`, dropped after them. */
export function withTestDatabase(use: (made: TestDatabase) => unknown): void {
  fixture('all', createTestDatabase, (t) => t.drop(), use);
}

/** jest globalTeardown's half: stops the run's server if a test file started one. */
export async function stopSharedServer(runDir: string): Promise<void> {
  const dir = path.join(runDir, 'server');
  if (fs.existsSync(path.join(dir, 'data'))) await stopCluster(dir, path.join(dir, 'data'));
  fs.rmSync(runDir, { recursive: true, force: true });
}
