import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TERMINAL_NAMESPACE, type TerminalProfile } from '@tsunagu/protocol';
import { Server } from 'socket.io';
import type { ConnectionEvents, ConnectionStatus } from './connection';
import { EarlyConnection } from './early';

// A real Socket.IO server that, like the hub, speaks first: the profile and a missed order message
// the moment the terminal is connected, before the App (and its features) can listen.
const profile = { householdName: 'Sato', language: 'ja', shops: [] } as unknown as TerminalProfile;
const order = { messageId: 7 };

let io: Server;
let hubBase: string;
beforeAll(async () => {
  const http = createServer();
  io = new Server(http);
  io.of(TERMINAL_NAMESPACE).on('connection', (socket) => {
    socket.emit('terminal:profileChanged', profile);
    socket.emit('order:message', order);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  hubBase = `http://127.0.0.1:${(http.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  await io.close();
});

function recorder(): ConnectionEvents & { said: unknown[] } {
  const said: unknown[] = [];
  return {
    said,
    status: (s: ConnectionStatus) => said.push(['status', s]),
    profile: (p: TerminalProfile) => said.push(['profile', p.householdName]),
    credentialRejected: () => said.push(['rejected']),
  };
}

async function heard(early: EarlyConnection): Promise<void> {
  // Connected and both of the hub's first messages arrived (nobody listened for the order yet).
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    if (early.connection.getStatus() === 'online') {
      await new Promise((r) => setTimeout(r, 100));
      return;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('not connected');
}

describe('EarlyConnection', () => {
  it('says again what the connection said before the App took it, and hands held notifications to late listeners once', async () => {
    const early = new EarlyConnection(hubBase, 'tsd_credential', '1.0.0');
    try {
      await heard(early);
      // The App's first render starts from what was said, before it takes the connection.
      expect(early.peek()).toEqual({ status: 'online', profile });
      const events = recorder();
      const connection = early.take(hubBase, 'tsd_credential', events);
      expect(early.peek()).toEqual({ status: null, profile: null });
      expect(connection).toBe(early.connection);
      expect(events.said).toEqual([
        ['status', 'online'],
        ['profile', 'Sato'],
      ]);
      // A feature that listens only now (the App's online layers) gets the order the hub sent on connect.
      const orders: unknown[] = [];
      connection?.socket.on('order:message', (m) => orders.push(m));
      early.release();
      expect(orders).toEqual([order]);
      // Once only, and the connection's own listener (the profile) is not called a second time.
      early.release();
      expect(orders).toEqual([order]);
      expect(events.said).toHaveLength(2);
      // Taken once: a second App (or a second effect run) opens its own.
      expect(early.take(hubBase, 'tsd_credential', recorder())).toBeNull();
    } finally {
      early.connection.stop();
    }
  });

  it('is closed, not handed over, when the App starts with another credential', async () => {
    const early = new EarlyConnection(hubBase, 'tsd_credential', '1.0.0');
    await heard(early);
    expect(early.take(hubBase, 'tsd_other', recorder())).toBeNull();
    expect(early.connection.socket.connected).toBe(false);
  });
});
