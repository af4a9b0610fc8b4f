import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp } from '../app';
import { startCheckpointer } from './checkpointer';
import { openDatabase } from './database';

// The hub's connection writes in bursts with pauses, as the hub does, and never checkpoints itself
// (the test turns that off after the checkpointer has set its backstop): only the worker can keep
// the WAL from growing with every burst.
const BURSTS = 40;
const ROWS = 200;
const row = 'x'.repeat(200);

function tempFile(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tsunagu-checkpoint-')), 'test.db');
}

async function writeBursts(db: ReturnType<typeof openDatabase>): Promise<number> {
  db.exec('CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v TEXT)');
  const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
  const burst = db.transaction(() => {
    for (let i = 0; i < ROWS; i++) insert.run(row);
  });
  let largest = 0;
  for (let b = 0; b < BURSTS; b++) {
    burst();
    largest = Math.max(largest, fs.statSync(`${db.name}-wal`).size);
    await new Promise((r) => setTimeout(r, 30));
  }
  return largest;
}

describe('WAL checkpoints in a worker', () => {
  it('keeps the WAL from growing with every burst, without the writing connection checkpointing', async () => {
    const file = tempFile();
    const db = openDatabase(file, { migrate: false });
    const checkpointer = startCheckpointer(db, { everyMs: 5 });
    try {
      db.pragma('wal_autocheckpoint = 0');
      const largest = await writeBursts(db);
      // One burst is about 50 pages (200 KB); all forty would be about 8 MB.
      expect(largest).toBeLessThan(BURSTS * ROWS * row.length * 0.25);
    } finally {
      await checkpointer.stop();
    }
    // Nothing written was lost; the hub's connection has SQLite's default back.
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    expect((db.prepare('SELECT COUNT(*) AS n FROM t').get() as { n: number }).n).toBe(BURSTS * ROWS);
    db.close();
    const again = openDatabase(file, { migrate: false });
    expect(again.pragma('integrity_check', { simple: true })).toBe('ok');
    expect((again.prepare('SELECT COUNT(*) AS n FROM t').get() as { n: number }).n).toBe(BURSTS * ROWS);
    again.close();
  });

  it('the same bursts without it: the WAL grows with each (what the test above would see if the worker did nothing)', async () => {
    const file = tempFile();
    const db = openDatabase(file, { migrate: false });
    try {
      db.pragma('wal_autocheckpoint = 0');
      const largest = await writeBursts(db);
      expect(largest).toBeGreaterThan(BURSTS * ROWS * row.length * 0.9);
    } finally {
      db.close();
    }
  });

  it('gives the checkpoints back to the hub when the worker cannot open the database', async () => {
    const file = tempFile();
    const db = openDatabase(file, { migrate: false });
    const failures: unknown[] = [];
    // A file that is not there: the worker's connection fails (fileMustExist).
    const checkpointer = startCheckpointer(db, { file: `${file}.missing`, onFailure: (err) => failures.push(err) });
    try {
      expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(10_000);
      const deadline = Date.now() + 10_000;
      while (failures.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(failures).toHaveLength(1);
      expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    } finally {
      await checkpointer.stop();
      db.close();
    }
  });

  it('runs in a hub with its database on disk and stops with it', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsunagu-checkpoint-hub-'));
    const hub = await buildApp({ config: { dataDir }, logger: false });
    try {
      // The hub's connection checkpoints only as a backstop while the worker runs.
      expect(hub.ctx.db.pragma('wal_autocheckpoint', { simple: true })).toBe(10_000);
    } finally {
      await hub.app.close();
    }
    const inMemory = await buildApp({ inMemory: true, logger: false });
    try {
      expect(inMemory.ctx.db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    } finally {
      await inMemory.app.close();
    }
  });
});
