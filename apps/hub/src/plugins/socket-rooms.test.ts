/**
 * Sockets join their rooms before any connection handler runs, whatever order modules registered
 * their handlers in; a terminal that is gone by then is refused and no handler runs for it.
 */
import { PROTOCOL_VERSION, TERMINAL_NAMESPACE } from '@tsunagu/protocol';
import Fastify from 'fastify';
import { io as ioClient } from 'socket.io-client';
import type { Principal } from '../lib/principal';
import { socketsWithTerminals } from '../testing/sockets';

describe('socket rooms', () => {
  it('are joined before the first connection handler; a terminal without rooms is refused', async () => {
    const app = Fastify();
    const terminal = (terminalId: number): Principal => ({ kind: 'terminal', terminalId, householdId: 7 });
    const sockets = socketsWithTerminals(app, (credential) =>
      credential === 'here' ? terminal(1) : credential === 'gone' ? terminal(2) : null,
    );
    const seen: { terminalId: number; rooms: string[] }[] = [];
    const heardAuth: unknown[] = [];
    const keptAuth: unknown[] = [];
    sockets.onTerminalConnection(({ socket }) => {
      heardAuth.push({ ...socket.handshake.auth });
      setImmediate(() => keptAuth.push({ ...socket.handshake.auth, pid: (socket as unknown as { pid?: string }).pid }));
    });
    // Registered before the rules exist, as a module registered early would be.
    sockets.onTerminalConnection(({ socket, principal }) => {
      if (principal.kind === 'terminal') seen.push({ terminalId: principal.terminalId, rooms: [...socket.rooms] });
    });
    sockets.setRooms({
      terminal: (p) => (p.kind === 'terminal' && p.terminalId === 1 ? ['terminal:1', 'household:7'] : null),
      staff: () => [],
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}${TERMINAL_NAMESPACE}`;
    const connect = (credential: string) =>
      new Promise<'disconnected' | 'connected'>((resolve) => {
        const s = ioClient(url, {
          transports: ['websocket'],
          reconnection: false,
          forceNew: true,
          auth: { credential, protocolVersion: PROTOCOL_VERSION },
        });
        s.on('disconnect', () => resolve('disconnected'));
        s.on('connect', () =>
          setTimeout(() => {
            if (!s.connected) return;
            resolve('connected');
            s.close();
          }, 100),
        );
      });
    try {
      expect(await connect('here')).toBe('connected');
      expect(await connect('gone')).toBe('disconnected');
      expect(seen).toEqual([{ terminalId: 1, rooms: expect.arrayContaining(['terminal:1', 'household:7']) }]);
      // The handlers had the handshake; the credential is not kept afterwards.
      expect(heardAuth).toEqual([{ credential: 'here', protocolVersion: PROTOCOL_VERSION }]);
      expect(keptAuth).toEqual([{ pid: undefined }]);
    } finally {
      await app.close();
    }
  });
});
