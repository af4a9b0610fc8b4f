/**
 * The HTTP request a terminal's WebSocket began with is let go once its connection handlers have
 * run (upgrade-request.ts), and engine.io still relays the upgrade's `close` the way that relies on.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import v8 from 'node:v8';
import vm from 'node:vm';
import { PROTOCOL_VERSION, TERMINAL_NAMESPACE } from '@tsunagu/protocol';
import Fastify from 'fastify';
import { Server } from 'socket.io';
import { type Socket as ClientSocket, io as ioClient } from 'socket.io-client';
import { ONE_TERMINAL, socketsWithTerminals } from '../testing/sockets';
import { until } from '../testing/until';
import { dropCloseRelay } from './upgrade-request';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

function open(url: string, transports: ('polling' | 'websocket')[], auth?: object): Promise<ClientSocket> {
  return new Promise((resolve, reject) => {
    const s = ioClient(url, { transports, reconnection: false, forceNew: true, ...(auth ? { auth } : {}) });
    s.once('connect', () => resolve(s));
    s.once('connect_error', reject);
  });
}

it("engine.io relays a WebSocket upgrade's close through the listener upgrade-request.ts removes", async () => {
  const server = http.createServer();
  const io = new Server(server, { serveClient: false });
  const found: { websocket: boolean; dropped: boolean }[] = [];
  io.engine.use((req: http.IncomingMessage, res: unknown, next: () => void) => {
    const websocket = !(res instanceof http.ServerResponse);
    found.push({ websocket, dropped: websocket && dropCloseRelay(req.socket) });
    next();
  });
  io.on('connection', (s) => s.on('echo', (ack: (v: string) => void) => ack('back')));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clients = [await open(url, ['websocket']), await open(url, ['polling'])];
  try {
    // If engine.io changed its relay, dropped would be false here: the hub would keep the request again.
    expect(found[0]).toEqual({ websocket: true, dropped: true });
    expect(found.slice(1).every((f) => !f.websocket)).toBe(true);
    // The connection works without the relay: an event there and back.
    expect(await clients[0]!.timeout(2000).emitWithAck('echo')).toBe('back');
  } finally {
    for (const c of clients) c.close();
    await io.close();
  }
});

it("lets go of a terminal's upgrade request once its handlers ran, by WebSocket and by long-polling", async () => {
  const app = Fastify();
  const sockets = socketsWithTerminals(app, ONE_TERMINAL);
  sockets.setRooms({ terminal: () => ['terminal:1', 'household:7'], staff: () => [] });
  const heard: string[] = [];
  sockets.onTerminalConnection(({ socket }) => {
    // Handlers still have the request and the handshake it made.
    heard.push(String(socket.request.headers.host === socket.handshake.headers.host));
    socket.on('ping:me' as never, ((ack: (v: string) => void) => ack('pong')) as never);
  });
  let upgrade: WeakRef<http.IncomingMessage> | null = null;
  app.server.on('upgrade', (req: http.IncomingMessage) => {
    upgrade = new WeakRef(req);
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}${TERMINAL_NAMESPACE}`;
  const auth = { credential: 'here', protocolVersion: PROTOCOL_VERSION };
  const clients: ClientSocket[] = [];
  try {
    for (const transports of [['websocket'], ['polling', 'websocket']] as const) {
      upgrade = null;
      const s = await open(url, [...transports], auth);
      clients.push(s);
      await until(() => upgrade !== null && s.io.engine.transport.name === 'websocket', 5000);
      await until(() => {
        gc();
        return upgrade?.deref() === undefined;
      }, 5000);
      expect(upgrade!.deref()).toBeUndefined();
      // Still a working connection.
      expect(await s.timeout(2000).emitWithAck('ping:me' as never)).toBe('pong');
    }
    expect(heard).toEqual(['true', 'true']);
  } finally {
    for (const c of clients) c.close();
    await app.close();
  }
});
