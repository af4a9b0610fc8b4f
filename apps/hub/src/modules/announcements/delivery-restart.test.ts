/** A hub restart loses no announcement, receipt, schedule or recording (an older hub's files move into the database); and the CSV export's cells are safe to open. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp } from '../../app';
import { openDatabase } from '../../db/database';
import { postgresSql, sqliteSql } from '../../db/sql';
import { FakeClock } from '../../lib/clock';
import { draftAnnouncement, publishedId, terminal } from '../../testing/announcements';
import { as, emitAck, enrollTerminal, seedFixture, sessionFor } from '../../testing/harness';
import { createTestDatabase } from '../../testing/postgres';
import { TEST_ENGINE } from '../../testing/test-engine';
import { until } from '../../testing/until';
import { csvCell } from './routes';
import type { AnnouncementsService } from './service';
import { createAnnouncementsStore } from './store';

describe('a hub restart loses no announcement, receipt or schedule', () => {
  it('keeps everything in the file database and re-arms schedules and expiries', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ann-restart-'));
    const file = path.join(dataDir, 'hub.db');
    const clock1 = new FakeClock(Date.parse('2026-01-05T00:00:00Z'));
    // On PostgreSQL the data is in the test engine's database; the file beside it holds none of it.
    const database = TEST_ENGINE === 'postgres' ? await createTestDatabase() : null;
    const config = { dataDir, ...(database ? { database: { engine: 'postgres' as const, url: database.url } } : {}) };
    const build = async (clock: FakeClock) => {
      const built = await buildApp({ db, clock, config });
      // Its timers are a job: on PostgreSQL they start once the hub leads (at once on SQLite).
      await until(() => built.ctx.jobs.leading, 20_000);
      return built;
    };
    let db = openDatabase(file);
    let hub = await build(clock1);
    const fixture = await seedFixture(hub);
    await hub.app.listen({ port: 0, host: '127.0.0.1' });
    let port = (hub.app.server.address() as { port: number }).port;
    const cityhall = sessionFor(hub, fixture.users.cityhall);
    const cred = await enrollTerminal(hub, fixture.households[0]!);
    const create = async (payload: Record<string, unknown>) =>
      (
        await as(
          hub,
          cityhall,
        )({
          method: 'POST',
          url: '/api/announcements',
          payload: {
            kind: 'important',
            titleJa: '断水',
            bodyJa: '明日は断水です。',
            target: { type: 'all' },
            ...payload,
          },
        })
      ).json() as { id: number; status: string };

    const now = await create({ safetyCheck: true });
    const later = await create({ titleJa: '予定', sendAt: '2026-01-05T03:00:00Z' });
    const expiring = await create({ titleJa: '期限', expiresAt: '2026-01-05T02:00:00Z' });
    expect(later.status).toBe('scheduled');
    const t = await terminal(`http://127.0.0.1:${port}`, cred.credential);
    expect(t.sync()!.map((a) => a.id)).toEqual([now.id, expiring.id]);
    await emitAck(t.socket, 'announcement:receipt', { announcementId: now.id, stage: 'delivered' });
    await emitAck(t.socket, 'announcement:receipt', { announcementId: now.id, stage: 'answered', answer: 'need_help' });
    t.close();
    await hub.app.close();
    // A recording an older hub kept as a file (before 0062), and a file that is no recording.
    const wav = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WAVEfmt '), Buffer.alloc(64, 7)]);
    const audioId = 'ab'.repeat(16);
    const folder = path.join(dataDir, 'announcement-audio');
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(folder, audioId), wav);
    fs.writeFileSync(path.join(folder, 'cd'.repeat(16)), 'not a recording at all');
    // The test engine's database: on PostgreSQL the data is not in the file.
    const stored = () => (database ? postgresSql(database.pg) : sqliteSql(db));
    await stored().run("UPDATE announcements SET audio_id = ?, audio_mime = 'audio/wav' WHERE id = ?", [
      audioId,
      now.id,
    ]);
    db.close();

    // Build again from the same file, later in the day. Meanwhile one was approved (or its hub
    // stopped) and stored to go out now, without being sent: it goes out when the hub starts.
    const clock2 = new FakeClock(Date.parse('2026-01-05T01:00:00Z'));
    db = openDatabase(file);
    const unsent = await createAnnouncementsStore(stored()).insert(
      draftAnnouncement({ kind: 'important', safetyCheck: false, titleJa: '停電', createdAt: clock2.now() }),
    );
    hub = await build(clock2);
    await hub.app.listen({ port: 0, host: '127.0.0.1' });
    port = (hub.app.server.address() as { port: number }).port;
    const svc = hub.capabilities.announcements as AnnouncementsService;
    expect(await svc.counts(now.id)).toMatchObject({ targeted: 3, delivered: 1, needHelp: 1 });
    await (hub.capabilities.announcements as AnnouncementsService).timers.ready();
    // The recording moved into the database and is served from there; the other file is left alone.
    const heard = await as(hub, { bearer: cred.credential })({
      method: 'GET',
      url: `/api/terminal/announcements/${now.id}/audio`,
    });
    expect(heard.statusCode).toBe(200);
    expect(heard.headers['content-type']).toBe('audio/wav');
    expect(heard.rawPayload.equals(wav)).toBe(true);
    expect(fs.readdirSync(folder)).toEqual(['cd'.repeat(16)]);
    const t2 = await terminal(`http://127.0.0.1:${port}`, cred.credential);
    if (!t2.sync()!.some((a) => a.id === unsent)) await t2.waitFor(publishedId(unsent), 'the unsent one at start');
    expect(
      t2
        .sync()!
        .map((a) => a.id)
        .filter((id) => id !== unsent),
    ).toEqual([now.id, expiring.id]);
    expect((await svc.get(unsent)).status).toBe('published');
    expect(t2.sync()![0]).toMatchObject({ safetyAnswer: 'need_help' });
    clock2.advance(60 * 60_000 + 1);
    await t2.waitFor((e) => e.some((x) => x.event === 'announcement:withdrawn'), 'the expiry after restart');
    clock2.advance(60 * 60_000);
    await t2.waitFor(publishedId(later.id), 'the scheduled announcement after restart');
    expect((await svc.get(later.id)).status).toBe('published');
    t2.close();
    await hub.app.close();
    db.close();
    await database?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
});

describe('CSV cells', () => {
  it('neutralise spreadsheet formulas and quote separators', () => {
    expect(csvCell('=HYPERLINK("http://evil")')).toBe(`"'=HYPERLINK(""http://evil"")"`);
    expect(csvCell('+81 422')).toBe(`'+81 422`);
    expect(csvCell('-1')).toBe(`'-1`);
    expect(csvCell('@SUM(A1)')).toBe(`'@SUM(A1)`);
    expect(csvCell('三鷹市, 1-1')).toBe('"三鷹市, 1-1"');
    expect(csvCell(null)).toBe('');
    expect(csvCell(42)).toBe('42');
  });
});
