/**
 * Stopping the hub does not wait for its clients: a connection in the middle of a request (a
 * terminal fetching a clip, a browser's half-sent request) and open Socket.IO sessions are cut, so
 * a restart is not held up until they time out ("Plugin did not start in time" in the browser tests).
 */
import net from 'node:net';
import { PROTOCOL_VERSION, TERMINAL_NAMESPACE } from '@tsunagu/protocol';
import Fastify from 'fastify';
import { io as ioClient } from 'socket.io-client';
import { ONE_TERMINAL, socketsWithTerminals } from '../testing/sockets';

it('closes at once with a request in flight and a terminal connected', async () => {
  // As the hub builds it: Fastify cuts what is left once its preClose hooks are done.
  const app = Fastify({ forceCloseConnections: true, pluginTimeout: 60_000 });
  socketsWithTerminals(app, ONE_TERMINAL);
  app.get('/slow', async () => 'never mind');
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  // One on long-polling, one on WebSocket.
  const terminals = (['polling', 'websocket'] as const).map((transport) =>
    ioClient(`http://127.0.0.1:${port}${TERMINAL_NAMESPACE}`, {
      reconnection: false,
      forceNew: true,
      transports: [transport],
      auth: { credential: 'here', protocolVersion: PROTOCOL_VERSION },
    }),
  );
  await Promise.all(
    terminals.map(
      (terminal) =>
        new Promise<void>((resolve, reject) => {
          terminal.once('connect', () => resolve());
          terminal.once('connect_error', reject);
        }),
    ),
  );
  // A request whose headers are not finished: the connection is busy, not idle.
  const halfSent = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve) => halfSent.once('connect', () => resolve()));
  halfSent.write('GET /slow HTTP/1.1\r\nHost: 127.0.0.1\r\n');
  const cut = new Promise<void>((resolve) => halfSent.once('close', () => resolve()));
  await new Promise((r) => setTimeout(r, 100));
  const gone = terminals.map(
    (t) => new Promise<string>((resolve) => t.once('disconnect', (reason) => resolve(reason))),
  );

  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const closed = await Promise.race([
    app.close().then(() => 'closed'),
    new Promise((r) => {
      timer = setTimeout(() => r('still waiting'), 5000);
    }),
  ]);
  // The 5 s limit must not outlive the test (Jest: "A worker process has failed to exit gracefully").
  clearTimeout(timer);
  try {
    expect(closed).toBe('closed');
    expect(Date.now() - started).toBeLessThan(5000);
    await cut;
    // Told, or cut: either way each terminal knows the hub is gone (and will come back to the next one).
    await expect(Promise.all(gone)).resolves.toHaveLength(2);
  } finally {
    halfSent.destroy();
    for (const terminal of terminals) terminal.close();
    app.server.closeAllConnections();
  }
});
