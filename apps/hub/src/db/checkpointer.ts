/**
 * SQLite's WAL checkpoints, off the event loop (issue 17, check-ins).
 *
 * With `journal_mode = WAL`, every commit appends to the WAL file. By default the connection that
 * commits copies the WAL back into the database (a checkpoint) once it has reached 1,000 pages.
 * With `synchronous = FULL` that checkpoint also flushes the database file to disk, all inside one
 * commit. better-sqlite3 is synchronous, so the hub's event loop stood still meanwhile: every
 * socket and route waited, and check-ins arriving at an ordinary rate saw a p99 of 28–324 ms
 * instead of about 10 ms (docs/benchmarks.md, session 17).
 *
 * Here a worker thread with its own connection to the same file runs `wal_checkpoint(PASSIVE)`
 * every `everyMs`. SQLite allows this: a passive checkpoint takes no writer's lock, copies only
 * what is committed, and never blocks or undoes a write. The hub's own connection keeps an
 * automatic checkpoint, at `backstopPages` instead of 1,000, so the WAL stays bounded and is
 * still restarted when the writes never pause. A worker that fails or stops puts the default back.
 * Durability is unchanged: a commit is on disk when it returns, as before.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Db } from './database';

export interface CheckpointerOptions {
  /** The file the worker opens; the hub's own connection's file (`db.name`) unless given. */
  file?: string;
  /** How often the worker checkpoints (ms). */
  everyMs?: number;
  /** The hub's own automatic checkpoint while the worker runs (pages; SQLite's default is 1,000). */
  backstopPages?: number;
  /** Told once when the worker cannot run (the hub then checkpoints itself, as SQLite does by default). */
  onFailure?: (err: unknown) => void;
}

export interface Checkpointer {
  /** Stops the worker (before the database closes) and gives the hub's connection SQLite's default back. */
  stop(): Promise<void>;
}

const SQLITE_DEFAULT_PAGES = 1000;

// CommonJS run by the worker (eval): no file of its own, so it works inside a bundled hub as well.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 0');
db.pragma('synchronous = FULL');
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy (another checkpoint is running): the next turn.
  }
}, workerData.everyMs);
parentPort.on('message', (m) => {
  if (m !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export function startCheckpointer(db: Db, options: CheckpointerOptions = {}): Checkpointer {
  const file = options.file ?? db.name;
  const everyMs = options.everyMs ?? 100;
  const driver = createRequire(__filename).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, driver, everyMs } });
  // Never what keeps the process alive.
  worker.unref();
  db.pragma(`wal_autocheckpoint = ${options.backstopPages ?? 10_000}`);
  let stopping = false;
  let failed = false;
  const fallBack = (err: unknown) => {
    if (failed || stopping || !db.open) return;
    failed = true;
    db.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_PAGES}`);
    options.onFailure?.(err);
  };
  worker.on('error', fallBack);
  worker.on('exit', (code) => fallBack(new Error(`the checkpoint worker stopped (exit code ${code})`)));
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    async stop() {
      if (stopping) return exited;
      stopping = true;
      worker.postMessage('stop');
      const timer = setTimeout(() => void worker.terminate(), 2000);
      await exited;
      clearTimeout(timer);
      if (db.open) db.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_PAGES}`);
    },
  };
}
