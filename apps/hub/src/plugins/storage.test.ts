/**
 * The hub on a database that cannot grow (a real file whose page limit is reached: SQLite answers
 * SQLITE_FULL exactly as on a full disk) and on a disk under its thresholds. The full-disk test of
 * the whole system, with a real small file system, is tools/fleet/src/reliability/disk-full.test.ts.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Ack, CheckinReceipt, SystemStatus } from '@tsunagu/protocol';
import { type Db, openDatabase } from '../db/database';
import { FakeClock } from '../lib/clock';
import {
  as,
  connectTerminal,
  createTestHub,
  emitAck,
  enrollTerminal,
  nextEvent,
  sessionFor,
  type TerminalSocket,
} from '../testing/harness';
import { RECOVERY_HOLD_MS } from './storage';

jest.setTimeout(60_000);

interface LogLine {
  level: number;
  msg: string;
  repeated?: number;
}

async function hubOnFile(options: { disk?: { warnBytes: number; reserveBytes: number } } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsunagu-storage-'));
  const db = openDatabase(path.join(dir, 'tsunagu.db'));
  const clock = new FakeClock(Date.UTC(2026, 0, 5, 1, 0, 0)); // 10:00 in Tokyo
  const logs: LogLine[] = [];
  const hub = await createTestHub({
    db,
    clock,
    config: { dataDir: dir, ...(options.disk ? { disk: options.disk } : {}) },
    logger: { level: 'info', stream: { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) } },
  });
  const url = await hub.listen();
  return {
    hub,
    db,
    clock,
    logs,
    url,
    async close() {
      await hub.close();
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Stops the database from growing: the next write that needs a new page fails with SQLITE_FULL. */
function fillUp(db: Db) {
  db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
}
function makeRoom(db: Db) {
  db.pragma('max_page_count = 1073741823');
}

const checkin = (socket: TerminalSocket, key: string = randomUUID()) =>
  emitAck<Ack<CheckinReceipt>>(socket, 'checkin:submit', { idempotencyKey: key, pressedAt: new Date().toISOString() });

describe('when the database cannot be written', () => {
  let t: Awaited<ReturnType<typeof hubOnFile>>;
  let terminal: TerminalSocket;
  afterAll(async () => {
    terminal?.close();
    await t.close();
  });

  it('answers terminals and staff STORAGE_UNAVAILABLE (retryable), says so at /readyz, logs a summary, and recovers', async () => {
    t = await hubOnFile();
    const { hub, db, clock } = t;
    const { credential } = await hub.enrollTerminal(hub.fixture.households[0]!);
    terminal = await connectTerminal(t.url, credential);
    const cityhall = hub.as(hub.sessionFor(hub.fixture.users.cityhall));
    expect((await checkin(terminal)).ok).toBe(true);

    fillUp(db);
    const refusedKeys: string[] = [];
    let stored = 0;
    for (let i = 0; i < 400 && refusedKeys.length < 50; i++) {
      const key = randomUUID();
      const r = await checkin(terminal, key);
      if (r.ok) stored++;
      else {
        expect(r.error).toEqual({
          code: 'STORAGE_UNAVAILABLE',
          message: expect.stringContaining('the disk is full'),
          retryable: true,
          retryAfterSeconds: 30,
        });
        refusedKeys.push(key);
      }
    }
    expect(refusedKeys).toHaveLength(50);

    // Staff: 503 with Retry-After, never 500 INTERNAL.
    let household = null;
    for (let i = 0; i < 30 && household?.statusCode !== 503; i++) {
      // Until one needs a page the database no longer has (the first may fit in a free one).
      household = await cityhall({
        method: 'POST',
        url: '/api/households',
        payload: { name: '満杯', address: '試験町 1', districtId: hub.fixture.districts[0], notes: 'x'.repeat(2000) },
      });
      expect([201, 503]).toContain(household.statusCode);
    }
    if (!household) throw new Error('unreachable');
    expect(household.statusCode).toBe(503);
    expect(household.headers['retry-after']).toBe('30');
    expect(household.json()).toEqual({
      error: expect.objectContaining({ code: 'STORAGE_UNAVAILABLE', retryable: true, retryAfterSeconds: 30 }),
    });

    // Readiness names the database and the disk.
    clock.advance(5_000);
    const ready = await hub.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    const checks = ready.json<SystemStatus>().checks;
    expect(checks.find((c) => c.name === 'disk')).toMatchObject({ status: 'fail', reason: 'full' });
    expect(checks.find((c) => c.name === 'database')).toMatchObject({ status: 'fail', reason: 'disk_full' });
    // City hall's status page has the words.
    const detail = (await cityhall({ method: 'GET', url: '/api/system/status' })).json<SystemStatus>();
    expect(detail.checks.find((c) => c.name === 'database')!.message).toMatch(/^Writes failed \(the disk is full\)/);
    const metrics = await hub.ctx.metrics.registry.metrics();
    expect(metrics).toMatch(/^tsunagu_storage_errors_total\{problem="disk_full"\} 5\d$/m);
    expect(metrics).toMatch(
      /^tsunagu_socket_events_total\{namespace="\/terminal",event="checkin:submit",outcome="STORAGE_UNAVAILABLE"\} 50$/m,
    );
    expect(metrics).not.toMatch(/outcome="INTERNAL"/);

    // The log: one line in full, then a summary when the window closes — not 50 lines.
    clock.advance(15_000);
    const refusals = t.logs.filter((l) => l.msg.includes('checkin:submit refused'));
    expect(refusals).toHaveLength(2);
    expect(refusals[0]!.msg).toMatch(/^checkin:submit refused \(STORAGE_UNAVAILABLE\): the disk is full/);
    expect(refusals[1]!.msg).toMatch(/^50 checkin:submit refused in \d+ s: the disk is full$/);

    // Space comes back: ready again once a write works and nothing failed for a while.
    makeRoom(db);
    clock.advance(RECOVERY_HOLD_MS);
    const again = await hub.app.inject({ method: 'GET', url: '/readyz' });
    expect(again.statusCode).toBe(200);
    // The terminal's outbox sends what was refused: every one is stored.
    for (const key of refusedKeys) expect((await checkin(terminal, key)).ok).toBe(true);
    const rows = db.prepare('SELECT COUNT(*) AS n FROM checkins').get() as { n: number };
    expect(rows.n).toBe(1 + stored + refusedKeys.length);
    expect(t.logs.some((l) => l.msg.startsWith('health check database is ok again'))).toBe(true);
  });
});

describe('disk-space guard', () => {
  it('under the reserve: skips non-essential writes (presence) but stores check-ins, and warns without failing readiness', async () => {
    const huge = 2 ** 60;
    const t = await hubOnFile({ disk: { warnBytes: huge, reserveBytes: huge } });
    try {
      const { credential, terminalId } = await enrollTerminal(t.hub, t.hub.fixture.households[0]!);
      const cityhall = await t.hub.staff('cityhall');
      // Staff still hear the terminal come online (the notice does not wait for a write that was skipped).
      const presence = nextEvent<{ changes: { terminalId: number; online: boolean }[] }>(
        cityhall,
        'terminal:presenceChanged',
      );
      const terminal = await connectTerminal(t.url, credential);
      expect((await presence).changes).toEqual([expect.objectContaining({ terminalId, online: true })]);
      cityhall.close();
      expect((await checkin(terminal)).ok).toBe(true);
      await emitAck(terminal, 'terminal:heartbeat', {});
      const row = t.db.prepare('SELECT online, last_seen_at FROM terminals WHERE id = ?').get(terminalId);
      expect(row).toEqual({ online: 0, last_seen_at: null }); // presence was not written
      terminal.close();

      const ready = await t.hub.app.inject({ method: 'GET', url: '/readyz' });
      expect(ready.statusCode).toBe(200);
      const status = ready.json<SystemStatus>();
      expect(status.status).toBe('degraded');
      expect(status.checks.find((c) => c.name === 'disk')).toMatchObject({ status: 'warn', reason: 'reserve' });
      const metrics = await t.hub.ctx.metrics.registry.metrics();
      expect(metrics).toMatch(/^tsunagu_storage_nonessential_skipped_total\{what="terminal presence"\} [1-9]/m);
      expect(t.logs.filter((l) => l.msg.includes('Skipped a non-essential write (terminal presence)'))).toHaveLength(1);
    } finally {
      await t.close();
    }
  });

  it('under the warning threshold only: warns and writes everything', async () => {
    const t = await hubOnFile({ disk: { warnBytes: 2 ** 60, reserveBytes: 0 } });
    try {
      const { credential, terminalId } = await enrollTerminal(t.hub, t.hub.fixture.households[0]!);
      const terminal = await connectTerminal(t.url, credential);
      await emitAck(terminal, 'terminal:heartbeat', {});
      await new Promise((r) => setImmediate(r));
      expect(t.db.prepare('SELECT online FROM terminals WHERE id = ?').get(terminalId)).toEqual({ online: 1 });
      terminal.close();
      const disk = (
        await as(t.hub, sessionFor(t.hub, t.hub.fixture.users.cityhall))({ method: 'GET', url: '/api/system/status' })
      )
        .json<SystemStatus>()
        .checks.find((c) => c.name === 'disk');
      expect(disk).toMatchObject({
        status: 'warn',
        reason: 'low',
        message: expect.stringMatching(/^Disk space is low/),
      });
    } finally {
      await t.close();
    }
  });
});
