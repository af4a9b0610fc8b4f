/**
 * Published emergencies reach a terminal that connects even when the database cannot be read: the
 * pages the catch-up list reads are really damaged on disk (and dropped from SQLite's cache), so
 * reading them fails as a failing disk would make it fail.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type AnnouncementSync, PROTOCOL_VERSION, TERMINAL_NAMESPACE } from '@tsunagu/protocol';
import { io as ioClient } from 'socket.io-client';
import { type Db, openDatabase } from '../../db/database';
import { FakeClock } from '../../lib/clock';
import { as, createTestHub, enrollTerminal, sessionFor, type TestHub } from '../../testing/harness';
import { itOnSqliteOnly } from '../../testing/test-engine';
import { EmergencyMemory } from './emergency-memory';
import type { AnnouncementRecord } from './store';

jest.setTimeout(60_000);

/** Overwrites the b-tree root pages of the catch-up list's table and index with garbage. */
function damageTargets(db: Db, file: string) {
  db.pragma('wal_checkpoint(TRUNCATE)'); // the pages now live in the main file only
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const roots = db
    .prepare("SELECT rootpage FROM sqlite_master WHERE tbl_name = 'announcement_targets' AND rootpage > 0")
    .pluck()
    .all() as number[];
  const fd = fs.openSync(file, 'r+');
  for (const page of roots) fs.writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, (page - 1) * pageSize);
  fs.fsyncSync(fd);
  fs.closeSync(fd);
  db.pragma('shrink_memory'); // forget the cached copies: the next read goes to the damaged file
}

describe('emergencies kept in memory', () => {
  let hub: TestHub;
  let db: Db;
  let dir: string;
  afterEach(async () => {
    await hub.close();
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  itOnSqliteOnly('damages the pages of the SQLite file under the hub')(
    'are sent to a connecting terminal when the catch-up list cannot be read',
    async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsunagu-memory-'));
      const file = path.join(dir, 'tsunagu.db');
      db = openDatabase(file);
      hub = await createTestHub({
        db,
        clock: new FakeClock(Date.parse('2026-01-05T00:00:00Z')),
        config: { dataDir: dir },
      });
      const url = await hub.listen();
      const cityhall = as(hub, sessionFor(hub, hub.fixture.users.cityhall));
      const post = async (payload: Record<string, unknown>) => {
        const res = await cityhall({ method: 'POST', url: '/api/announcements', payload });
        expect(res.statusCode).toBe(201);
        return res.json<{ id: number }>().id;
      };
      const emergency = await post({
        kind: 'emergency',
        titleJa: '避難指示',
        bodyJa: '高台へ避難してください。',
        target: { type: 'all' },
        confirmWholeCity: true,
      });
      const districtOnly = await post({
        kind: 'emergency',
        titleJa: '土砂災害警戒',
        bodyJa: '西部地区の方は避難してください。',
        target: { type: 'districts', districtIds: [hub.fixture.districts[2]] },
      });
      await post({ kind: 'routine', titleJa: '広報', bodyJa: 'ごみの日が変わります。', target: { type: 'all' } });

      const { credential } = await enrollTerminal(hub, hub.fixture.households[0]!); // in the first district
      damageTargets(db, file);
      expect(() => db.prepare('SELECT COUNT(*) FROM announcement_targets').get()).toThrow(/malformed|corrupt/);

      const terminal = ioClient(`${url}${TERMINAL_NAMESPACE}`, {
        transports: ['websocket'],
        forceNew: true,
        reconnection: false,
        auth: { credential, protocolVersion: PROTOCOL_VERSION },
      });
      const sync = await new Promise<AnnouncementSync>((resolve) => terminal.once('announcement:sync', resolve));
      expect(sync.announcements.map((a) => [a.id, a.kind, a.titleJa])).toEqual([[emergency, 'emergency', '避難指示']]);
      expect(sync.announcements.map((a) => a.id)).not.toContain(districtOnly);
      terminal.close();
    },
  );
});

describe('EmergencyMemory', () => {
  const record = (over: Partial<AnnouncementRecord>): AnnouncementRecord => ({
    id: 1,
    kind: 'emergency',
    status: 'published',
    test: false,
    titleJa: '避難',
    bodyJa: '避難してください',
    titleEn: null,
    bodyEn: null,
    audioId: null,
    audioMime: null,
    safetyCheck: false,
    target: { type: 'all' },
    version: 1,
    sendAt: null,
    expiresAt: null,
    publishedAt: 1,
    cancelledAt: null,
    source: 'console',
    capCategory: null,
    createdBy: 'user:2:sato',
    approvedBy: null,
    createdAt: 1,
    updatedAt: 1,
    ...over,
  });

  it('keeps published emergencies only, per household, and forgets cancelled ones', () => {
    const memory = new EmergencyMemory();
    memory.remember(record({ id: 2 }), [1, 2]);
    memory.remember(record({ id: 1 }), [2]);
    memory.remember(record({ id: 3, kind: 'routine' }), [1, 2]);
    memory.remember(record({ id: 4, status: 'scheduled' }), [1, 2]);
    expect(memory.forHousehold(2).map((a) => a.id)).toEqual([1, 2]);
    expect(memory.forHousehold(1).map((a) => a.id)).toEqual([2]);
    memory.remember(record({ id: 2, version: 2, titleJa: '避難（更新）' }), [1, 2]);
    expect(memory.forHousehold(1)).toEqual([expect.objectContaining({ id: 2, version: 2, titleJa: '避難（更新）' })]);
    memory.remember(record({ id: 2, status: 'cancelled' }), [1, 2]);
    memory.forget(1);
    expect(memory.forHousehold(2)).toEqual([]);
  });
});
