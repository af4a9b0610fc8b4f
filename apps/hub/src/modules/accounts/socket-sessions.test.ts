/**
 * A staff socket is bound to the session that opened it: signing out, being disabled, a password
 * change or reset and the session's expiry close it at once, and every command re-checks that the
 * session is still live — also when another process (the admin command line) changed the database.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Ack } from '@tsunagu/protocol';
import Database from 'better-sqlite3';
import type { Socket } from 'socket.io-client';
import { databaseFile, openDatabase } from '../../db/database';
import { FakeClock } from '../../lib/clock';
import { bundleHub, type HubBundle, runAdmin } from '../../testing/child-hub';
import { createTestHub, emitAck, type StaffSession, TEST_PASSWORD, type TestHub, withHub } from '../../testing/harness';
import { databaseEnv, itOnSqliteOnly } from '../../testing/test-engine';

jest.setTimeout(60_000);

/** Resolves true when `socket` is disconnected by the hub within `ms`, false otherwise. */
function closedWithin(socket: Socket, ms: number): Promise<boolean> {
  if (!socket.connected) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    socket.once('disconnect', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

const ping = (socket: Socket) => emitAck<Ack<{ serverTime: string }>>(socket, 'staff:ping', {});

describe('staff sockets are bound to their session', () => {
  let hub: TestHub;
  const open = async (session: StaffSession) => {
    const s = await hub.connectStaff(session);
    return s;
  };

  describe('changes made through the hub', () => {
    withHub('each', (made) => (hub = made));

    it('signing out closes the socket of that session at once', async () => {
      const session = await hub.login('watcher');
      const socket = await open(session);
      expect(await ping(socket)).toMatchObject({ ok: true });
      const closed = closedWithin(socket, 5000);
      expect((await hub.as(session)({ method: 'POST', url: '/api/auth/logout' })).statusCode).toBe(200);
      expect(await closed).toBe(true);
      // And the session cannot open a new one.
      await expect(hub.connectStaff(session)).rejects.toMatchObject({ data: { code: 'UNAUTHENTICATED' } });
    });

    it('disabling a user closes every socket of theirs at once', async () => {
      const a = await open(await hub.login('watcher'));
      const b = await open(await hub.login('watcher'));
      const other = await open(await hub.login('other-watcher'));
      const closed = [closedWithin(a, 5000), closedWithin(b, 5000)];
      expect((await hub.disableUser(hub.fixture.users.watcher)).statusCode).toBe(200);
      expect(await Promise.all(closed)).toEqual([true, true]);
      expect(await ping(other)).toMatchObject({ ok: true });
    });

    it("a password change closes the user's other sessions' sockets, not the one that changed it", async () => {
      const mine = await hub.login('watcher');
      const mySocket = await open(mine);
      const stolen = await open(await hub.login('watcher'));
      const closed = closedWithin(stolen, 5000);
      const res = await hub.as(mine)({
        method: 'POST',
        url: '/api/auth/password',
        payload: { currentPassword: TEST_PASSWORD, newPassword: 'a-brand-new-password' },
      });
      expect(res.statusCode).toBe(200);
      expect(await closed).toBe(true);
      expect(await ping(mySocket)).toMatchObject({ ok: true });
    });

    it("an administrator's password reset closes every socket of that user", async () => {
      const socket = await open(await hub.login('operator'));
      const closed = closedWithin(socket, 5000);
      const res = await hub.as(await hub.login('admin'))({
        method: 'POST',
        url: `/api/users/${hub.fixture.users.operator}/password`,
        payload: { newPassword: 'reset-by-the-admin' },
      });
      expect(res.statusCode).toBe(200);
      expect(await closed).toBe(true);
    });
  });

  describe('session expiry (fake clock)', () => {
    let clock: FakeClock;
    beforeEach(async () => {
      clock = new FakeClock();
      hub = await createTestHub({ clock });
    });
    afterEach(() => hub.close());

    it('a command after the session expired is refused and the socket closed', async () => {
      const socket = await open(await hub.login('watcher'));
      expect(await ping(socket)).toMatchObject({ ok: true });
      const closed = closedWithin(socket, 5000);
      // Past the 12-hour idle expiry, without letting the periodic check run first.
      (clock as unknown as { current: number }).current += 12 * 60 * 60 * 1000 + 1000;
      expect(await ping(socket)).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
      expect(await closed).toBe(true);
    });

    it('an idle socket is closed when its session expires, without any command', async () => {
      const socket = await open(await hub.login('cityhall'));
      const closed = closedWithin(socket, 5000);
      clock.advance(12 * 60 * 60 * 1000 + 10_000);
      expect(await closed).toBe(true);
    });

    it('using the socket keeps the session alive (sliding expiry)', async () => {
      const session = await hub.login('watcher');
      const socket = await open(session);
      for (let i = 0; i < 4; i++) {
        clock.advance(4 * 60 * 60 * 1000);
        expect(await ping(socket)).toMatchObject({ ok: true });
      }
      expect(socket.connected).toBe(true);
      expect((await hub.as(session)({ method: 'GET', url: '/api/auth/session' })).statusCode).toBe(200);
    });
  });

  describe('changes made by another process', () => {
    let dataDir: string;
    let bundle: HubBundle;
    beforeAll(async () => {
      bundle = await bundleHub();
    });
    afterAll(() => bundle.dispose());
    beforeEach(async () => {
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsunagu-sessions-'));
      hub = await createTestHub({ db: openDatabase(databaseFile(dataDir)) });
    });
    afterEach(async () => {
      await hub.close();
      hub.ctx.db.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    // On PostgreSQL the other writers are hubs and the admin command line, which tell every hub through
    // the change feed (`sessions`): the next test.
    itOnSqliteOnly("another connection's write to the SQLite file is seen through its data_version")(
      'a command re-checks the session: a user disabled from another connection is refused at once',
      async () => {
        const socket = await open(await hub.login('watcher'));
        expect(await ping(socket)).toMatchObject({ ok: true });
        const other = new Database(databaseFile(dataDir));
        other.prepare('UPDATE users SET disabled = 1 WHERE id = ?').run(hub.fixture.users.watcher);
        other.close();
        expect(await ping(socket)).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
      },
    );

    it('`admin disable-user` while the hub runs closes the user’s open sockets within seconds', async () => {
      const socket = await open(await hub.login('watcher'));
      const bystander = await open(await hub.login('cityhall'));
      let closedAt: number | null = null;
      socket.once('disconnect', () => {
        closedAt = Date.now();
      });
      const r = await runAdmin(bundle, dataDir, ['disable-user', 'watcher'], databaseEnv(hub));
      expect(r).toMatchObject({ code: 0 });
      const exitedAt = Date.now();
      // Counted from when the command had finished (starting it takes a while on a busy machine).
      expect(await closedWithin(socket, 5000)).toBe(true);
      expect(closedAt! - exitedAt).toBeLessThan(5000);
      expect(bystander.connected).toBe(true);
    });
  });
});
