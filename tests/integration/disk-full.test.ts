/**
 * Issue 20, end to end: the hub (a real child process) on a small file system that fills up, 30
 * terminals running the terminal's own outbox code, checking in and confirming an emergency.
 *
 *  - below the reserve: non-essential writes stop, check-ins are still stored, /readyz warns;
 *  - full: /readyz 503 naming the disk, terminals and staff get STORAGE_UNAVAILABLE (never
 *    INTERNAL), terminals keep everything, the stored emergency still reaches a reconnecting one;
 *  - space back: the outboxes deliver everything by themselves, each check-in stored once, nothing
 *    acknowledged lost, the database intact, and the log holds a summary rather than a flood.
 *
 * The file system: a real tmpfs mounted on the data folder (root, as on CI's machine). Without
 * root, the same test runs with a file-size limit on the hub process instead (prlimit
 * RLIMIT_FSIZE: SQLite then reports a write error rather than a full disk, so the database check
 * fails instead of the disk check). TSUNAGU_DISK_FULL_MODE=rlimit forces the second way.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  type Ack,
  type CheckinSubmit,
  PROTOCOL_VERSION,
  type SystemStatus,
  TERMINAL_NAMESPACE,
  type TerminalAnnouncement,
} from '@tsunagu/protocol';
import { io, type Socket } from 'socket.io-client';
import { buildApp } from '../../apps/hub/src/app';
import type { AnnouncementsService } from '../../apps/hub/src/modules/announcements/service';
import { type ChildCity, type ChildHub, childCity, openReadOnly } from '../../apps/hub/src/testing/child-hub';
import { NO_SPEECH } from '../../apps/hub/src/testing/harness';
import { ackWithTimeout } from '../../apps/terminal/src/renderer/connection/ack';
import { ReceiptOutbox } from '../../apps/terminal/src/renderer/features/announcements/receipts';
import { CheckinQueue } from '../../apps/terminal/src/renderer/features/checkin/queue';

jest.setTimeout(240_000);

const MiB = 1024 * 1024;
const TERMINALS = 30;
const TOKEN = 'disk-full-monitoring-token-0123456789';

type Mode = 'tmpfs' | 'rlimit';

function memoryStorage() {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v) };
}

async function waitFor(what: string, ok: () => boolean | Promise<boolean>, ms = 90_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A terminal as the renderer runs it: its check-in queue and receipt outbox, sent on connect. */
class OutboxTerminal {
  readonly socket: Socket;
  readonly checkins = new CheckinQueue(memoryStorage());
  readonly receipts = new ReceiptOutbox(memoryStorage());
  readonly pressed: string[] = [];
  readonly acked = new Set<string>();
  readonly seen = new Map<number, TerminalAnnouncement>();
  refused = 0;
  internal = 0;

  constructor(url: string, credential: string) {
    this.socket = io(`${url}${TERMINAL_NAMESPACE}`, {
      auth: { credential, protocolVersion: PROTOCOL_VERSION },
      transports: ['websocket'],
      forceNew: true,
      reconnectionDelay: 300,
      reconnectionDelayMax: 2_000,
    });
    this.socket.on('connect', () => {
      void this.checkins.flush(this.send);
      void this.receipts.flushTo(this.socket);
    });
    const show = (a: TerminalAnnouncement) => {
      if (this.seen.has(a.id)) return;
      this.seen.set(a.id, a);
      void this.receipts.send(this.socket, { announcementId: a.id, stage: 'delivered' });
    };
    this.socket.on('announcement:sync', (s: { announcements: TerminalAnnouncement[] }) =>
      s.announcements.forEach(show),
    );
    this.socket.on('announcement:published', show);
  }

  private readonly send = async (e: CheckinSubmit): Promise<Ack<unknown>> => {
    const r = await ackWithTimeout(this.socket, 'checkin:submit', e, 8_000);
    if (r.ok) this.acked.add(e.idempotencyKey);
    else if (r.error.code === 'STORAGE_UNAVAILABLE') this.refused++;
    else if (r.error.code === 'INTERNAL') this.internal++;
    return r;
  };

  /** The resident presses 元気です: kept first, then sent. */
  press(): Promise<void> {
    const entry = { idempotencyKey: randomUUID(), pressedAt: new Date().toISOString() };
    this.pressed.push(entry.idempotencyKey);
    this.checkins.add(entry);
    return this.checkins.flush(this.send);
  }

  idle(): boolean {
    return this.checkins.pending().length === 0 && this.receipts.pending().length === 0;
  }
}

/** The data folder's file system, made to fill up and to get its space back. */
interface Disk {
  mode: Mode;
  attach(hub: ChildHub): void;
  /** Leaves about `bytes` free (tmpfs only). */
  leaveFree(bytes: number): void;
  fillUp(): void;
  makeRoom(): void;
  release(): void;
}

function freeBytes(dir: string): number {
  const s = fs.statfsSync(dir);
  return s.bavail * s.bsize;
}

const mountTmpfs = (dir: string, size: string) =>
  spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tsunagu-test', dir]).status === 0;

/** Whether this machine lets the test mount a small file system (root, and mount(2) allowed). */
function tmpfsPossible(): boolean {
  if (process.env.TSUNAGU_DISK_FULL_MODE === 'rlimit' || process.getuid?.() !== 0) return false;
  const probe = fs.mkdtempSync(path.join(os.tmpdir(), 'tsunagu-mount-probe-'));
  const mounted = mountTmpfs(probe, '1m');
  if (mounted) spawnSync('umount', [probe]);
  fs.rmdirSync(probe);
  return mounted;
}

function tmpfsDisk(dir: string): Disk {
  if (!mountTmpfs(dir, '40m')) throw new Error(`could not mount a tmpfs on ${dir}`);
  const filler = path.join(dir, 'filler');
  const append = (bytes: number, chunk: number) => {
    const fd = fs.openSync(filler, 'a');
    const block = Buffer.alloc(chunk, 1);
    try {
      for (let left = bytes; left > 0; left -= chunk) fs.writeSync(fd, block, 0, Math.min(chunk, left));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
    } finally {
      fs.closeSync(fd);
    }
  };
  return {
    mode: 'tmpfs',
    attach() {},
    leaveFree(bytes) {
      append(Math.max(0, freeBytes(dir) - bytes), 64 * 1024);
    },
    fillUp() {
      append(Number.MAX_SAFE_INTEGER, 64 * 1024);
      append(Number.MAX_SAFE_INTEGER, 512);
    },
    makeRoom() {
      fs.rmSync(filler, { force: true });
    },
    release() {
      spawnSync('umount', ['-l', dir]);
    },
  };
}

const prlimitPossible = () => spawnSync('prlimit', ['--version']).status === 0;

function rlimitDisk(): Disk {
  let pid = 0;
  const limit = (value: string) => {
    const r = spawnSync('prlimit', ['--pid', String(pid), `--fsize=${value}`], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`prlimit failed: ${r.stderr}`);
  };
  return {
    mode: 'rlimit',
    attach(hub) {
      pid = hub.process.pid!;
    },
    leaveFree() {
      throw new Error('a file-size limit cannot leave some space free');
    },
    // No file of the hub's may grow any more (Node ignores SIGXFSZ: writes fail with EFBIG). Only
    // the soft limit: raising it back needs no privilege, raising a hard limit would.
    fillUp: () => limit('0:unlimited'),
    makeRoom: () => limit('unlimited:unlimited'),
    release() {},
  };
}

describe('the hub on a disk that fills up', () => {
  const mode: Mode = tmpfsPossible() ? 'tmpfs' : 'rlimit';
  if (mode === 'rlimit' && !prlimitPossible())
    throw new Error('Neither a tmpfs mount (root) nor prlimit (util-linux) is available here.');
  /** A file-size limit has no "a little space left": that step needs the real small file system. */
  const onTmpfs = mode === 'tmpfs' ? it : it.skip;
  let disk: Disk;
  let hub: ChildHub;
  let city: ChildCity;
  let emergencyId: number;
  const terminals: OutboxTerminal[] = [];

  const get = (url: string, headers: Record<string, string> = {}) =>
    fetch(`${hub.url}${url}`, { headers: { authorization: `Bearer ${TOKEN}`, ...headers } });
  const readiness = async () => {
    const res = await get('/readyz');
    return { status: res.status, body: (await res.json()) as SystemStatus };
  };
  const check = (s: SystemStatus, name: string) => s.checks.find((c) => c.name === name)!;
  const metrics = async () => (await get('/metrics')).text();

  beforeAll(async () => {
    city = await childCity('disk-full', TERMINALS, (dataDir) => {
      disk = mode === 'tmpfs' ? tmpfsDisk(dataDir) : rlimitDisk();
    });
    // An emergency stored before the trouble starts (the hub's voice off: text only).
    const setup = await buildApp({
      config: { dataDir: city.dataDir, speechTools: NO_SPEECH },
      backgroundJobs: false,
    });
    emergencyId = (
      await (setup.capabilities.announcements as AnnouncementsService).create(
        {
          kind: 'emergency',
          titleJa: '避難指示',
          bodyJa: '高台へ避難してください。',
          target: { type: 'all' },
          confirmWholeCity: true,
        },
        { kind: 'person', name: 'user:1:test' },
      )
    ).id;
    await setup.app.close();

    hub = await city.start({
      env: {
        TSUNAGU_DISK_WARN_MB: '16',
        TSUNAGU_DISK_RESERVE_MB: '8',
        TSUNAGU_STORAGE_RETRY_SECONDS: '1',
        TSUNAGU_METRICS_TOKEN: TOKEN,
        TSUNAGU_OPEN_JTALK: '/nonexistent/open_jtalk',
        TSUNAGU_ESPEAK: '/nonexistent/espeak-ng',
      },
    });
    disk.attach(hub);
    for (const t of city.terminals) terminals.push(new OutboxTerminal(hub.url, t.credential));
    await waitFor('every terminal to confirm the emergency', () =>
      terminals.every((t) => t.seen.has(emergencyId) && t.idle()),
    );
    await Promise.all(terminals.map((t) => t.press()));
    expect(terminals.every((t) => t.acked.size === 1)).toBe(true);
  });

  afterAll(async () => {
    for (const t of terminals) t.socket.close();
    await hub?.stop();
    disk?.release();
    city?.dispose();
  });

  onTmpfs(
    'under the reserve: stops non-essential writes, still stores check-ins, warns without failing readiness',
    async () => {
      disk.leaveFree(5 * MiB);
      await waitFor('the disk check to warn', async () => check((await readiness()).body, 'disk').reason === 'reserve');
      const { status, body } = await readiness();
      expect(status).toBe(200);
      expect(body.status).toBe('degraded');
      // Presence is written at each heartbeat and connection: a reconnect is a non-essential write.
      const reconnecting = terminals[0]!.socket;
      reconnecting.disconnect().connect();
      await waitFor('the terminal to reconnect', () => reconnecting.connected, 10_000);
      await Promise.all(terminals.map((t) => t.press()));
      expect(terminals.every((t) => t.acked.size === 2)).toBe(true);
      await waitFor('presence to be skipped', async () =>
        /^tsunagu_storage_nonessential_skipped_total\{what="terminal presence"\} [1-9]/m.test(await metrics()),
      );
    },
  );

  it('full: 503 naming the disk, STORAGE_UNAVAILABLE to terminals and staff, the emergency still delivered; then everything arrives', async () => {
    const problem = disk.mode === 'tmpfs' ? 'disk_full' : 'io_error';
    const why = disk.mode === 'tmpfs' ? 'the disk is full' : 'the disk reports errors';
    disk.fillUp();

    // 30 terminals keep checking in for 20 s: every press is refused and kept.
    const started = Date.now();
    while (Date.now() - started < 20_000) {
      await Promise.all(terminals.map((t) => t.press()));
      await new Promise((r) => setTimeout(r, 250));
    }
    const refused = terminals.reduce((n, t) => n + t.refused, 0);
    expect(refused).toBeGreaterThan(1_000);
    expect(terminals.reduce((n, t) => n + t.internal, 0)).toBe(0);
    expect(terminals.every((t) => t.checkins.pending().length > 0)).toBe(true);

    const { status, body } = await readiness();
    expect(status).toBe(503);
    expect(check(body, 'database')).toMatchObject({ status: 'fail', reason: problem });
    if (disk.mode === 'tmpfs') expect(check(body, 'disk')).toMatchObject({ status: 'fail', reason: 'full' });
    const publicView = (await (await fetch(`${hub.url}/readyz`)).json()) as SystemStatus;
    expect(publicView.checks.find((c) => c.status === 'fail')).toBeDefined();

    // Staff (an API key here) get 503 with Retry-After, nothing half-saved.
    const staff = await fetch(`${hub.url}/api/households`, {
      method: 'POST',
      headers: { authorization: `Bearer ${city.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: '新しい世帯',
        address: '試験町 99',
        districtId: city.districtIds[0],
        notes: 'x'.repeat(2000),
      }),
    });
    expect(staff.status).toBe(503);
    expect(staff.headers.get('retry-after')).toBe('1');
    expect(((await staff.json()) as { error: { code: string } }).error.code).toBe('STORAGE_UNAVAILABLE');

    // A terminal that reconnects now still gets the emergency stored before.
    const late = new OutboxTerminal(hub.url, city.terminals[0]!.credential);
    await waitFor('the emergency on a terminal connecting during the outage', () => late.seen.has(emergencyId), 15_000);
    late.socket.close();

    // Space back: nobody does anything; the outboxes deliver everything by themselves.
    disk.makeRoom();
    const spaceBack = Date.now();
    await waitFor('every outbox to be empty', () => terminals.every((t) => t.idle()), 120_000).catch(async (err) => {
      const waiting = terminals.map((t) => `${t.checkins.pending().length}/${t.receipts.pending().length}`);
      throw new Error(
        `${err.message}: kept (check-ins/receipts) ${waiting.join(' ')}; ${JSON.stringify(await readiness())}`,
      );
    });
    console.log(
      `disk-full (${disk.mode}): ${refused} refusals; every outbox empty ${Date.now() - spaceBack} ms after space came back`,
    );
    await waitFor('the hub to be ready', async () => (await readiness()).status === 200, 30_000);

    const db = openReadOnly(city.dataDir);
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const stored = new Set(db.prepare('SELECT idempotency_key FROM checkins').pluck().all() as string[]);
      const pressed = terminals.flatMap((t) => t.pressed);
      expect(stored.size).toBe(pressed.length); // each press stored exactly once
      expect(pressed.filter((k) => !stored.has(k))).toEqual([]);
      expect(terminals.flatMap((t) => [...t.acked]).filter((k) => !stored.has(k))).toEqual([]);
      const receipts = db
        .prepare('SELECT COUNT(*) FROM announcement_receipts WHERE announcement_id = ? AND delivered_at IS NOT NULL')
        .pluck()
        .get(emergencyId);
      expect(receipts).toBe(TERMINALS);
    } finally {
      db.close();
    }

    // The log: the first refusal in full, then summaries — not one line per refusal.
    await waitFor('a summary in the log', () => /checkin:submit refused in \d+ s/.test(hub.output()), 30_000);
    const lines = hub
      .output()
      .split('\n')
      .filter((l) => l.includes('checkin:submit refused'));
    console.log(`disk-full (${disk.mode}): ${refused} refusals logged in ${lines.length} lines`);
    expect(lines.length).toBeLessThan(10);
    const summaries = lines.map((l) => (JSON.parse(l) as { msg: string }).msg).filter((m) => /refused in/.test(m));
    expect(summaries[0]).toMatch(new RegExp(`^[\\d,]+ checkin:submit refused in \\d+ s: ${why}$`));
    const text = await metrics();
    expect(text).toMatch(new RegExp(`^tsunagu_storage_errors_total\\{problem="${problem}"\\} [1-9]`, 'm'));
    expect(text).not.toMatch(/outcome="INTERNAL"/);
  });
});
