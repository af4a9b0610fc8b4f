/**
 * A broadcast to terminals writes one shared WebSocket frame straight to each connection
 * (direct-broadcast.ts): terminals receive exactly what Socket.IO would have sent, in the order it was
 * sent, and terminals the direct path does not cover (long-polling) still receive it the library's way.
 */
import { PROTOCOL_VERSION, TERMINAL_NAMESPACE } from '@tsunagu/protocol';
import type { Namespace } from 'socket.io';
import { io as ioClient, type Socket } from 'socket.io-client';
import { createTestHub, type TestHub } from '../testing/harness';
import type { DirectBroadcastAdapter } from './direct-broadcast';
import { rooms } from './socket';

jest.setTimeout(30_000);

describe('broadcasts to terminals', () => {
  let hub: TestHub;
  const clients: Socket[] = [];
  beforeEach(async () => {
    hub = await createTestHub({ backgroundJobs: false });
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await hub.close();
  });

  /** A terminal of household `index` on this transport, with every event it hears in order. */
  async function terminal(index: number, transport: 'websocket' | 'polling') {
    const { terminalId, credential } = await hub.enrollTerminal(hub.fixture.households[index]!);
    const heard: [string, unknown][] = [];
    const socket = ioClient(`${await hub.listen()}${TERMINAL_NAMESPACE}`, {
      transports: [transport],
      reconnection: false,
      forceNew: true,
      auth: { credential, protocolVersion: PROTOCOL_VERSION },
    });
    clients.push(socket);
    socket.onAny((event: string, ...args: unknown[]) => {
      if (event.startsWith('test:')) heard.push([event, args[0]]);
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    return { terminalId, socket, heard };
  }

  const until = async (done: () => boolean) => {
    for (let i = 0; i < 200 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
  };

  it('write one frame to WebSocket terminals, in order with what each was sent alone; long-polling terminals get it too', async () => {
    const a = await terminal(0, 'websocket');
    const b = await terminal(1, 'websocket');
    const polling = await terminal(2, 'polling');
    const nsp = hub.ctx.sockets.terminals as unknown as Namespace;
    const adapter = nsp.adapter as unknown as DirectBroadcastAdapter;
    const serverSocketOf = (id: string) => [...nsp.sockets.values()].find((s) => s.id === id)!;
    const payload = { text: 'テスト　避難してください', n: 1, list: [1, 2, 3], nested: { ok: true } };
    const before = { ...adapter.stats };

    // Sent to `a` alone (the library's per-socket path), then to everyone.
    const serverA = serverSocketOf(a.socket.id!);
    serverA.emit('test:alone', 1);
    nsp.to(rooms.allTerminals).emit('test:everyone', payload);
    // `a`'s transport busy and its next message alone sent the library's way (a compression flag
    // keeps it off the direct path): it waits in engine.io's write buffer, so the next broadcast must
    // wait behind it for `a` (the library's way too) and still go directly to `b`.
    const transport = serverA.conn.transport as unknown as { writable: boolean };
    transport.writable = false;
    serverA.compress(true).emit('test:alone', 2);
    nsp.to(rooms.allTerminals).emit('test:everyone', { ...payload, n: 2 });
    transport.writable = true;
    (serverA.conn as unknown as { flush(): void }).flush();
    await until(() => a.heard.length === 4 && b.heard.length === 2 && polling.heard.length === 2);

    expect(a.heard).toEqual([
      ['test:alone', 1],
      ['test:everyone', payload],
      ['test:alone', 2],
      ['test:everyone', { ...payload, n: 2 }],
    ]);
    expect(b.heard).toEqual([
      ['test:everyone', payload],
      ['test:everyone', { ...payload, n: 2 }],
    ]);
    expect(polling.heard).toEqual(b.heard);
    // `b` both times and `a` the first time directly; `a`'s second and the long-polling terminal's two
    // the library's way.
    expect(adapter.stats.direct - before.direct).toBeGreaterThanOrEqual(3);
    expect(adapter.stats.library - before.library).toBeGreaterThanOrEqual(3);
  });

  it('leaves a broadcast that asks for acknowledgements to the library', async () => {
    const a = await terminal(0, 'websocket');
    a.socket.on('test:ask', (_payload: unknown, ack: (answer: string) => void) => ack('here'));
    const nsp = hub.ctx.sockets.terminals as unknown as Namespace;
    const answers = await nsp.to(rooms.allTerminals).timeout(5000).emitWithAck('test:ask', {});
    expect(answers).toEqual(['here']);
  });
});
