/**
 * Hostile input over a staff socket whose session has ended: every staff command, with a random
 * payload, sent over a socket that is still open after its user signed out or was disabled (the
 * window before the hub closes it, e.g. when `admin disable-user` ran in another process) is
 * refused with UNAUTHENTICATED, changes nothing stored, and closes the socket.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { databaseFile, openDatabase } from '@tsunagu/hub/db/database';
import type { SocketCommand } from '@tsunagu/hub/plugins/socket';
import { connectStaff, createTestHub, sessionFor, type TestHub } from '@tsunagu/hub/testing/harness';
import { STAFF_NAMESPACE } from '@tsunagu/protocol';
import Database from 'better-sqlite3';
import { writeCounter } from './write-counter';

jest.setTimeout(120_000);

describe('hostile input on sockets whose session ended', () => {
  let hub: TestHub;
  let dataDir: string;
  let url: string;
  let other: Database.Database;
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsunagu-hostile-sessions-'));
    hub = await createTestHub({ db: openDatabase(databaseFile(dataDir)) });
    url = await hub.listen();
    // Another process's connection: its changes reach the hub only through the database.
    other = new Database(databaseFile(dataDir));
  });
  afterAll(async () => {
    other.close();
    await hub.close();
    hub.ctx.db.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** A fresh socket for `user`, then its session ended from the other connection. */
  async function endedSocket(userId: number, how: 'signed out' | 'disabled') {
    const session = sessionFor(hub, userId);
    const socket = await connectStaff(url, session);
    if (how === 'signed out') other.prepare('DELETE FROM sessions WHERE user_id = ?').run(userId);
    else other.prepare('UPDATE users SET disabled = 1 WHERE id = ?').run(userId);
    return socket;
  }

  it('every staff command is refused, stores nothing and closes the socket', async () => {
    // Connect once per role so every staff command has been registered.
    for (const name of ['admin', 'operator', 'listener', 'watcher'] as const)
      (await connectStaff(url, sessionFor(hub, hub.fixture.users[name]))).close();
    const commands: SocketCommand[] = [...hub.ctx.sockets.commands.values()].filter(
      (c) => c.namespace === STAFF_NAMESPACE,
    );
    expect(commands.length).toBeGreaterThan(5);
    const writes = writeCounter(hub);
    const failures: string[] = [];
    const u = hub.fixture.users;
    for (const cmd of commands) {
      for (const [name, how] of [
        ['admin', 'signed out'],
        ['watcher', 'disabled'],
        ['operator', 'disabled'],
      ] as const) {
        // The hub's periodic session sweep may close the socket before the command reaches it: that
        // is the same refusal by another path, so try again for the window this test is about.
        for (let attempt = 1; ; attempt++) {
          const socket = await endedSocket(u[name], how);
          const closed = new Promise<boolean>((resolve) => {
            const t = setTimeout(() => resolve(false), 2000);
            socket.once('disconnect', () => {
              clearTimeout(t);
              resolve(true);
            });
          });
          const before = writes();
          const where = `${cmd.event} from ${name} (${how})`;
          let ack: { ok: boolean; error?: { code: string } };
          try {
            ack = await socket.timeout(5000).emitWithAck(cmd.event, {});
          } catch (err) {
            const closedByHub = socket.disconnected;
            socket.close();
            if (writes() !== before) failures.push(`${where}: something stored changed`);
            if (closedByHub && attempt < 5) {
              if (how === 'disabled') other.prepare('UPDATE users SET disabled = 0 WHERE id = ?').run(u[name]);
              continue;
            }
            failures.push(`${where}: no answer (${(err as Error).message})`);
            break;
          }
          if (ack.ok || ack.error?.code !== 'UNAUTHENTICATED') failures.push(`${where}: ${JSON.stringify(ack)}`);
          if (writes() !== before) failures.push(`${where}: something stored changed`);
          if (!(await closed)) failures.push(`${where}: the socket stayed open`);
          socket.close();
          break;
        }
        if (how === 'disabled') other.prepare('UPDATE users SET disabled = 0 WHERE id = ?').run(u[name]);
      }
    }
    expect(failures).toEqual([]);
  });
});
