/**
 * The hub's WebSocket connections are known to it until they close, and cut when it stops
 * (upgraded-connections.ts), without a listener on each connection.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { until } from '../testing/until';
import { trackUpgradedConnections } from './upgraded-connections';

it('knows the open WebSocket connections, forgets closed ones, and cuts the rest when stopping', async () => {
  const server = http.createServer();
  const tracked = trackUpgradedConnections(server, 50);
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, () => undefined));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clients = await Promise.all(
    [1, 2, 3].map(
      () =>
        new Promise<WebSocket>((resolve, reject) => {
          const ws = new WebSocket(url);
          ws.once('open', () => resolve(ws));
          ws.once('error', reject);
        }),
    ),
  );
  try {
    expect(tracked.open()).toHaveLength(3);
    // No listener of ours on the connection (the ws server's own are there).
    for (const socket of tracked.open()) expect(socket.listenerCount('close')).toBeLessThanOrEqual(1);
    clients[0]!.terminate();
    await until(() => tracked.open().length === 2, 2000);
    expect(tracked.open()).toHaveLength(2);

    // The two left do not answer a closing handshake: cut after the wait.
    for (const c of clients.slice(1)) (c as unknown as { _socket: { pause(): void } })._socket.pause();
    const started = Date.now();
    await tracked.close(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(180);
    expect(tracked.open()).toHaveLength(0);
    await until(() => clients.every((c) => c.readyState === WebSocket.CLOSED), 2000);
    expect(clients.map((c) => c.readyState)).toEqual([WebSocket.CLOSED, WebSocket.CLOSED, WebSocket.CLOSED]);
  } finally {
    for (const c of clients) c.terminate();
    wss.close();
    await new Promise((r) => server.close(r));
  }
});
