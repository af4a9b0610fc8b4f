/**
 * Baseline servers, each in its own process like the hub: `ws` (a bare WebSocket server that sends
 * one serialised payload to every client), `sio` (a plain Socket.IO server with default options:
 * bare connections and a one-hop relay), `sqlite` (raw better-sqlite3, one commit per check-in) and
 * `pg` (raw `pg` on PostgreSQL, one commit per check-in).
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { openDatabase } from '@tsunagu/hub/db/database';
import { openPostgres } from '@tsunagu/hub/db/postgres';
import { Server } from 'socket.io';
import { WebSocketServer } from 'ws';
import { summarise } from '../sim/stats';
import { memoryAfterGc, serveIpc } from './ipc';

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve) => {
    server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => {
      const a = server.address();
      resolve(typeof a === 'object' && a ? a.port : 0);
    });
  });
}

async function wsServer() {
  const server = http.createServer();
  const wss = new WebSocketServer({ server, perMessageDeflate: false });
  // The voice clip as a plain file (the bytes the hub served), for the baseline of the clip fetch.
  let clip = Buffer.alloc(0);
  server.on('request', (req, res) => {
    if (req.method === 'GET' && req.url === '/clip') {
      res.writeHead(200, { 'content-type': 'audio/ogg', 'content-length': clip.length });
      return res.end(clip);
    }
    if (req.method !== 'POST' || req.url !== '/publish') {
      res.statusCode = 404;
      return res.end();
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const { payload } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { payload: string };
      // Serialised once, sent to every client: the physical limit of a fan-out from one process.
      for (const client of wss.clients) client.send(payload);
      res.end('{"ok":true}');
    });
  });
  const port = await listen(server);
  serveIpc({
    memory: () => memoryAfterGc(),
    clients: () => wss.clients.size,
    setClip: (a: { base64: string }) => {
      clip = Buffer.from(a.base64, 'base64');
      return clip.length;
    },
  });
  process.send?.({ ready: true, port });
}

async function sioServer() {
  const server = http.createServer();
  // Socket.IO's defaults: no connection-state recovery, no authentication, the default namespace.
  const io = new Server(server, { serveClient: false });
  const operators: string[] = [];
  let next = 0;
  io.on('connection', (socket) => {
    socket.on('op:ready', (ack: () => void) => {
      operators.push(socket.id);
      ack();
    });
    socket.on('request', (p: { caller: number }) => {
      const op = operators[next++ % Math.max(1, operators.length)];
      if (op) io.to(op).emit('ring', p);
    });
    socket.on('disconnect', () => {
      const i = operators.indexOf(socket.id);
      if (i >= 0) operators.splice(i, 1);
    });
  });
  // The fan-out: the same payload the bare ws server sends, as an event to every client.
  server.on('request', (req, res) => {
    if (req.method !== 'POST' || req.url !== '/publish') return;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const { payload } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { payload: string };
      io.emit('announcement:published', JSON.parse(payload));
      res.end('{"ok":true}');
    });
  });
  const port = await listen(server);
  serveIpc({
    memory: () => memoryAfterGc(),
    clients: () => io.engine.clientsCount,
    heapSnapshot: (a: { file: string }) => require('node:v8').writeHeapSnapshot(a.file),
  });
  process.send?.({ ready: true, port });
}

/**
 * Runs `one` (row number n) one after another for `durationMs`, as fast as it goes; a synchronous
 * `one` is not awaited, so nothing but its own work is timed.
 */
async function timedRows(durationMs: number, one: (n: number) => void | Promise<void>) {
  const latencies: number[] = [];
  const started = performance.now();
  const end = started + durationMs;
  let n = 0;
  while (performance.now() < end) {
    const t0 = performance.now();
    const pending = one(n);
    if (pending) await pending;
    latencies.push(performance.now() - t0);
    n++;
  }
  const elapsed = performance.now() - started;
  return {
    rows: n,
    durationMs: Math.round(elapsed),
    perSecond: Math.round((n / elapsed) * 1000),
    latency: summarise(latencies),
  };
}

/**
 * The same rows a check-in writes (a `checkins` row and its `signs_of_life` row), one transaction
 * each, on the hub's schema with the hub's pragmas (WAL, synchronous=FULL), for `durationMs`.
 */
async function rawCheckins(a: { durationMs: number; households: number }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsunagu-raw-'));
  const db = openDatabase(path.join(dir, 'raw.db'));
  try {
    // The households are plain rows here (the hub's store is async; the baseline stays synchronous).
    const district = Number(
      db.prepare("INSERT INTO districts (code, name, name_en) VALUES ('raw', '基準', 'raw')").run().lastInsertRowid,
    );
    const insertHousehold = db.prepare(
      'INSERT INTO households (name, address, district_id, created_at) VALUES (?, ?, ?, ?)',
    );
    const ids = db.transaction(() =>
      Array.from({ length: a.households }, (_, i) =>
        Number(insertHousehold.run(`基準世帯${i}`, `基準町 ${i}`, district, Date.now()).lastInsertRowid),
      ),
    )();
    const insertCheckin = db.prepare(
      `INSERT INTO checkins (household_id, terminal_id, idempotency_key, at, pressed_at, received_at, mood)
       VALUES (?, NULL, ?, ?, ?, ?, 'good') ON CONFLICT (household_id, idempotency_key) DO NOTHING RETURNING id`,
    );
    const insertSign = db.prepare(
      "INSERT INTO signs_of_life (household_id, kind, at, checkin_id) VALUES (?, 'checkin', ?, ?)",
    );
    const one = db.transaction((householdId: number, key: string, now: number) => {
      const row = insertCheckin.get(householdId, key, now, now, now) as { id: number };
      insertSign.run(householdId, now, row.id);
    });
    const timed = await timedRows(a.durationMs, (n) => {
      one(ids[n % ids.length]!, crypto.randomUUID(), Date.now());
    });
    return {
      ...timed,
      synchronous: db.pragma('synchronous', { simple: true }),
      journalMode: db.pragma('journal_mode', { simple: true }),
    };
  } finally {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The same two rows with `pg` on PostgreSQL: one connection, one transaction per check-in (BEGIN,
 * both INSERTs, COMMIT, each a round trip), as fast as it goes, on a database of its own (`url`,
 * migrated here: the hub's schema).
 */
async function rawPostgresCheckins(a: { url: string; durationMs: number; households: number }) {
  const pool = await openPostgres(a.url, { max: 1 });
  const client = await pool.connect();
  try {
    const district = (
      await client.query<{ id: number }>(
        "INSERT INTO districts (code, name, name_en) VALUES ('raw', '基準', 'raw') RETURNING id",
      )
    ).rows[0]!.id;
    const ids = (
      await client.query<{ id: number }>(
        `INSERT INTO households (name, address, district_id, created_at)
         SELECT '基準世帯' || i, '基準町 ' || i, $1, $2 FROM generate_series(1, $3) AS i RETURNING id`,
        [district, Date.now(), a.households],
      )
    ).rows.map((r) => r.id);
    const timed = await timedRows(a.durationMs, async (n) => {
      const now = Date.now();
      const householdId = ids[n % ids.length]!;
      await client.query('BEGIN');
      const row = await client.query<{ id: number }>(
        `INSERT INTO checkins (household_id, terminal_id, idempotency_key, at, pressed_at, received_at, mood)
         VALUES ($1, NULL, $2, $3, $3, $3, 'good') ON CONFLICT (household_id, idempotency_key) DO NOTHING RETURNING id`,
        [householdId, crypto.randomUUID(), now],
      );
      await client.query(
        "INSERT INTO signs_of_life (household_id, kind, at, checkin_id) VALUES ($1, 'checkin', $2, $3)",
        [householdId, now, row.rows[0]!.id],
      );
      await client.query('COMMIT');
    });
    const setting = async (name: string) => (await client.query(`SHOW ${name}`)).rows[0]?.[name];
    return {
      ...timed,
      synchronous: `fsync=${await setting('fsync')}, synchronous_commit=${await setting('synchronous_commit')}`,
      journalMode: `wal_sync_method=${await setting('wal_sync_method')}`,
    };
  } finally {
    client.release();
    await pool.end();
  }
}

const mode = process.argv[2];
if (mode === 'ws') void wsServer();
else if (mode === 'sio') void sioServer();
else if (mode === 'sqlite') {
  serveIpc({ run: (a: { durationMs: number; households: number }) => rawCheckins(a) });
  process.send?.({ ready: true, port: 0 });
} else if (mode === 'pg') {
  serveIpc({ run: (a: { url: string; durationMs: number; households: number }) => rawPostgresCheckins(a) });
  process.send?.({ ready: true, port: 0 });
} else {
  console.error('usage: baselines.js ws|sio|sqlite|pg (started by npm run bench)');
  process.exit(2);
}
