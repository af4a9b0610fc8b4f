/**
 * Socket.IO on the hub's HTTP server: `/terminal` for terminals (device credential + protocol
 * version in the handshake), `/staff` for console users (session cookie). Both namespaces are typed
 * with the protocol's event table, so every emit type-checks against it; capability modules add
 * their command handlers through `onTerminalConnection` / `onStaffConnection`, by event name.
 */

import type { TSchema } from '@sinclair/typebox';
import {
  type NamespaceName,
  STAFF_NAMESPACE,
  staffWire,
  TERMINAL_NAMESPACE,
  terminalWire,
  type WireEvents,
} from '@tsunagu/protocol';
import type { FastifyInstance } from 'fastify';
import { type Namespace, Server } from 'socket.io';
import type { Principal } from '../lib/principal';
import { TokenBuckets } from '../lib/rate-limit';
import {
  type CommandEntry,
  type CommandHandler,
  type CommandOf,
  commandEntry,
  type HandlerOptions,
  runCommand,
  type SocketContext,
  type SocketData,
  type WireSocket,
} from '../lib/socket-handler';
import { type AdmissionControl, hubAdmissionControl } from './admission';
import type { Authenticators } from './auth';
import type { Cluster } from './cluster';
import { DirectBroadcastAdapter } from './direct-broadcast';
import { refuseOtherNamespaces, staffHandshake, terminalHandshake } from './socket-handshake';
import { StaffRecoveryAdapter } from './staff-recovery';
import { forgetRequest, releaseUpgradeRequests } from './upgrade-request';
import { trackUpgradedConnections } from './upgraded-connections';

/** Socket.IO refuses messages larger than this (uploads go through REST with their own limits). */
export const MAX_SOCKET_MESSAGE_BYTES = 64 * 1024;

type Terminal = typeof TERMINAL_NAMESPACE;
type Staff = typeof STAFF_NAMESPACE;

/** A namespace typed with its events from the protocol table. */
export type WireNamespace<N extends NamespaceName> = Namespace<
  WireEvents[N]['client'],
  WireEvents[N]['server'],
  Record<string, never>,
  SocketData
>;
export type TerminalSocket = WireSocket<Terminal>;
/** Sends one notification of the /terminal table to one socket (for services that do not hold the socket). */
export type TerminalEmit = <E extends keyof WireEvents[Terminal]['server']>(
  event: E,
  ...args: Parameters<WireEvents[Terminal]['server'][E]>
) => void;
export type StaffSocket = WireSocket<Staff>;

/** Registers a command of the namespace's table: the payload schema and the ack type come from there. */
export type CommandRegistrar<N extends NamespaceName> = <E extends CommandOf<N>>(
  event: E,
  options: Pick<HandlerOptions, 'access' | 'rateLimit'>,
  handler: CommandHandler<N, E>,
) => void;
export type ConnectionHandler<N extends NamespaceName> = (ctx: SocketContext<N> & { on: CommandRegistrar<N> }) => void;

/** A Socket.IO command as registered: for the fuzz tests, the protocol test and documentation. */
export interface SocketCommand {
  namespace: string;
  event: string;
  access: HandlerOptions['access'];
  schema: TSchema;
}

export interface HubSockets {
  /** Every command registered so far (commands are registered per connection, so after one of each kind). */
  commands: Map<string, SocketCommand>;
  io: Server;
  terminals: WireNamespace<Terminal>;
  staff: WireNamespace<Staff>;
  /**
   * The rooms each new socket joins, before any connection handler runs, so handlers may rely on
   * them whatever order they were registered in (e.g. nothing published after a terminal is sent
   * its catch-up list can miss it). A terminal given null is refused (removed meanwhile).
   */
  setRooms(rules: RoomRules): void;
  onTerminalConnection(handler: ConnectionHandler<Terminal>): void;
  onStaffConnection(handler: ConnectionHandler<Staff>): void;
  /**
   * A terminal command registered once for every terminal socket (the handler takes the sender from
   * its context): nothing is kept per socket for it, unlike `on` inside a connection handler.
   */
  terminalCommand: CommandRegistrar<Terminal>;
  /** Called for each socket that disconnects, after Socket.IO has removed it from its rooms. */
  onTerminalDisconnect(handler: (ctx: SocketContext<Terminal>) => void): void;
  /**
   * Whether a terminal room may hold a socket other than `socketId`: with several hubs always (one
   * may be on another hub); on one hub, from the room's members here.
   */
  othersInTerminalRoom(room: string, socketId: string): boolean;
  /** Closes the staff sockets of ended sessions at once (sign-out, disable, password change or reset). */
  endStaffSessions(ended: { userId?: number; sessionId?: number; exceptSessionId?: number }): void;
  /** Closes every staff socket whose session is no longer live (expired, or ended by another process). */
  sweepStaffSessions(): void;
}

export interface RoomRules {
  terminal(p: Principal): string[] | null;
  staff(p: Principal): string[];
}

/** Whether a staff session is still live; `touch` slides its expiry (the socket was used). */
export interface StaffSessionCheck {
  isLive(sessionId: number, touch: boolean): boolean | Promise<boolean>;
}

/** Access and rate rules are small literals, often written inline per connection: compare them by value. */
function same(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

export function principalOf(socket: { data: SocketData }): Principal {
  return socket.data.principal;
}

export function createSockets(
  app: FastifyInstance,
  deps: {
    auth: Authenticators;
    /** Besides same-origin pages, the origin people use (behind a reverse proxy). */
    publicUrl: string;
    metrics: HandlerOptions['metrics'];
    /** What a failed command answers, and its (summarised) log line. */
    failure: HandlerOptions['failure'];
    sessions: StaffSessionCheck;
    /** Behind a reverse proxy: take the client's address from X-Forwarded-For (as Fastify does). */
    trustProxy: boolean;
    /** How many terminals may connect how fast (plugins/admission.ts); by default the hub's own. */
    admission?: AdmissionControl;
    /** Several hubs: broadcasts through Redis (plugins/cluster.ts); otherwise in memory. */
    cluster?: Pick<Cluster, 'adapter' | 'adapterWithoutRecovery'>;
  },
): HubSockets {
  const io = new Server(app.server, {
    maxHttpBufferSize: MAX_SOCKET_MESSAGE_BYTES,
    pingInterval: 25_000,
    pingTimeout: 20_000,
    // Recover a brief blip of a console without losing rooms or missed packets (not for terminals, below).
    connectionStateRecovery: { maxDisconnectionDuration: 2 * 60 * 1000, skipMiddlewares: false },
    serveClient: false,
    ...(deps.cluster ? { adapter: deps.cluster.adapter } : {}),
  });
  releaseUpgradeRequests(io);
  const terminals: WireNamespace<Terminal> = io.of(TERMINAL_NAMESPACE);
  // Terminals without connection-state recovery: a terminal is sent what it missed on every connect
  // (catch-up list, profile, status, open orders and calls), so recovery only duplicated that — and
  // it kept every packet sent to a single terminal (the catch-up list too) for two minutes, about
  // 5 KB per terminal and the most of a storm's memory (docs/benchmarks.md). Staff keep it.
  // On one hub a broadcast writes one shared frame to each terminal's connection (direct-broadcast.ts).
  void terminals.adapter.close();
  terminals.adapter = deps.cluster
    ? deps.cluster.adapterWithoutRecovery(terminals)
    : new DirectBroadcastAdapter(terminals);
  const staff: WireNamespace<Staff> = io.of(STAFF_NAMESPACE);
  // On one hub, recovery without the notices every console asks for again on connect (staff-recovery.ts).
  if (!deps.cluster) {
    void staff.adapter.close();
    staff.adapter = new StaffRecoveryAdapter(staff);
  }
  const terminalHandlers: ConnectionHandler<Terminal>[] = [];
  const staffHandlers: ConnectionHandler<Staff>[] = [];
  const terminalDisconnects: ((ctx: SocketContext<Terminal>) => void)[] = [];
  const admit = deps.admission ?? hubAdmissionControl();
  let roomRules: RoomRules = { terminal: () => [], staff: () => [] };

  // Who may connect (plugins/socket-handshake.ts). Only our two namespaces exist.
  io.of('/').use(refuseOtherNamespaces);
  terminals.use(terminalHandshake({ auth: deps.auth, trustProxy: deps.trustProxy, admit }));
  staff.use(
    staffHandshake({
      auth: deps.auth,
      trustProxy: deps.trustProxy,
      publicUrl: deps.publicUrl,
      parseCookie: app.parseCookie,
    }),
  );

  const commands = new Map<string, SocketCommand>();
  const limiter = new TokenBuckets();
  const live = (p: Principal) => p.kind !== 'user' || deps.sessions.isLive(p.sessionId, true);
  // One options object per command, shared by every socket: a fresh `{ ...options }` per socket and
  // command cost each terminal ~4 KB of heap (V8 gave every spread copy its own hidden class),
  // measured by the bench's memory-per-terminal figure (docs/benchmarks.md).
  const shared = new Map<string, HandlerOptions>();
  const optionsFor = (namespace: string, event: string, options: Pick<HandlerOptions, 'access' | 'rateLimit'>) => {
    const key = `${namespace} ${event}`;
    let full = shared.get(key);
    if (!full || !same(full.access, options.access) || !same(full.rateLimit, options.rateLimit)) {
      full = {
        access: options.access,
        rateLimit: options.rateLimit,
        logger: app.log,
        failure: deps.failure,
        metrics: deps.metrics,
        limiter,
        live,
      };
      shared.set(key, full);
    }
    return full;
  };
  const listed = (namespace: string, entry: CommandEntry) => {
    const key = `${namespace} ${entry.event}`;
    if (!commands.has(key))
      commands.set(key, { namespace, event: entry.event, access: entry.options.access, schema: entry.schema });
  };

  // Every command of a socket goes through one listener shared by all sockets (Socket.IO calls it
  // with the socket as `this`): commands registered once per namespace first, then those a
  // connection handler registered for this socket alone. A listener per command and socket cost
  // each terminal a closure, its context and an entry in the socket's listener table per command.
  const byNamespace = new Map<string, Map<string, CommandEntry>>([
    [TERMINAL_NAMESPACE, new Map()],
    [STAFF_NAMESPACE, new Map()],
  ]);
  const perSocket = new WeakMap<object, Map<string, CommandEntry>>();
  function dispatch(this: WireSocket<NamespaceName>, event: unknown, ...args: unknown[]) {
    if (typeof event !== 'string') return;
    const entry = byNamespace.get(this.nsp.name)?.get(event) ?? perSocket.get(this)?.get(event);
    if (entry) void runCommand(entry, { socket: this, principal: principalOf(this) }, args);
  }
  const ANY_LISTENERS = Object.freeze([dispatch]);

  const registrar =
    <N extends NamespaceName>(socket: WireSocket<N>, wire: WireEvents[N]['wire']): CommandRegistrar<N> =>
    (event, options, handler) => {
      const namespace = socket.nsp.name;
      const entry = commandEntry(wire, event, optionsFor(namespace, event, options), handler);
      listed(namespace, entry);
      let own = perSocket.get(socket);
      if (!own) {
        own = new Map();
        perSocket.set(socket, own);
      }
      own.set(event, entry);
    };

  const connect =
    <N extends NamespaceName>(
      wire: WireEvents[N]['wire'],
      handlers: ConnectionHandler<N>[],
      roomsOf: (p: Principal) => string[] | null,
    ) =>
    (socket: WireSocket<N>) => {
      const ctx: SocketContext<N> = { socket, principal: principalOf(socket) };
      let joined: string[] | null = null;
      try {
        joined = roomsOf(ctx.principal);
      } catch (err) {
        app.log.error({ err }, 'socket rooms could not be decided');
      }
      if (joined === null) return void socket.disconnect(true);
      socket.join(joined);
      // What socket.onAny(dispatch) would do, with one listener list shared by every socket instead
      // of an array per socket (~180 B of each idle terminal's heap, docs/benchmarks.md). Frozen:
      // an onAny elsewhere throws instead of adding a listener to every socket.
      (socket as unknown as { _anyListeners: readonly unknown[] })._anyListeners = ANY_LISTENERS;
      const on = registrar(socket, wire);
      for (const h of handlers) {
        try {
          h({ ...ctx, on });
        } catch (err) {
          app.log.error({ err }, 'socket connection handler failed');
        }
      }
    };
  const terminalConnected = connect(terminalWire, terminalHandlers, (p) => roomRules.terminal(p));
  function terminalGone(this: WireSocket<Terminal>) {
    for (const h of terminalDisconnects) {
      try {
        h({ socket: this, principal: principalOf(this) });
      } catch (err) {
        app.log.error({ err }, 'terminal disconnect handler failed');
      }
    }
  }
  terminals.on('connection', (socket) => {
    terminalConnected(socket);
    // Its handlers have read the handshake (the app version, terminals/fleet.ts): the device
    // credential is not kept for the connection's life, neither as a secret in memory nor as its
    // ~0.1 KB of each terminal's heap.
    socket.handshake.auth = HANDSHAKE_READ;
    // No connection-state recovery for terminals (their adapter keeps no sessions, above): the
    // session's private id, made because consoles have recovery, was sent and is not needed again.
    (socket as unknown as { pid?: string }).pid = undefined;
    // Nor the HTTP request it began with (plugins/upgrade-request.ts): its headers stay in the handshake.
    forgetRequest(socket.conn);
    socket.on('disconnect', terminalGone);
  });
  staff.on(
    'connection',
    connect(staffWire, staffHandlers, (p) => roomRules.staff(p)),
  );

  // Connections taken over by WebSocket, cut when the hub stops (plugins/upgraded-connections.ts).
  const upgraded = trackUpgradedConnections(app.server);
  // Before Fastify closes the HTTP server, or it would wait for the long-lived connections. Not
  // io.close(): that waits for the HTTP server to close, i.e. for every connection, also one in the
  // middle of a request, which Fastify cuts only after this hook — a stop then hung until the
  // client gave up (restarts failed with "Plugin did not start in time").
  app.addHook('preClose', async () => {
    const namespaces = [io.of('/'), terminals, staff];
    // `local`: this hub's sockets only. Through the Redis adapter a plain disconnectSockets goes to
    // every hub, and one hub stopping cut every terminal and console of the city.
    for (const nsp of namespaces) nsp.local.disconnectSockets(true);
    // The adapters hold the recovery sessions' sweep timer.
    await Promise.allSettled(namespaces.map((nsp) => nsp.adapter.close()));
    io.engine.close();
    // A WebSocket peer that does not answer the closing handshake at once is cut.
    await upgraded.close(1000);
    admit.stop();
  });

  return {
    commands,
    io,
    terminals,
    staff,
    setRooms: (rules) => {
      roomRules = rules;
    },
    onTerminalConnection: (h) => terminalHandlers.push(h),
    onStaffConnection: (h) => staffHandlers.push(h),
    terminalCommand(event, options, handler) {
      const entry = commandEntry(terminalWire, event, optionsFor(TERMINAL_NAMESPACE, event, options), handler);
      listed(TERMINAL_NAMESPACE, entry);
      byNamespace.get(TERMINAL_NAMESPACE)!.set(event, entry);
    },
    onTerminalDisconnect: (h) => terminalDisconnects.push(h),
    othersInTerminalRoom(room, socketId) {
      if (deps.cluster) return true;
      const members = terminals.adapter.rooms.get(room);
      return members !== undefined && (members.size > 1 || !members.has(socketId));
    },
    endStaffSessions(ended) {
      for (const socket of [...staff.sockets.values()]) {
        const p = principalOf(socket);
        if (p.kind !== 'user') continue;
        const match =
          ended.sessionId !== undefined
            ? p.sessionId === ended.sessionId
            : p.user.id === ended.userId && p.sessionId !== ended.exceptSessionId;
        if (match) socket.disconnect(true);
      }
    },
    sweepStaffSessions() {
      for (const socket of [...staff.sockets.values()]) {
        const p = principalOf(socket);
        if (p.kind !== 'user') continue;
        const live = deps.sessions.isLive(p.sessionId, false);
        if (live === false) socket.disconnect(true);
        else if (live !== true)
          void live.then(
            (l) => l || socket.disconnect(true),
            () => undefined,
          );
      }
    },
  };
}

/** What a terminal's handshake holds once it has been read (see terminals.on('connection')). */
const HANDSHAKE_READ = Object.freeze({});

/** Rooms every socket joins, so modules can address terminals and staff without per-socket work. */
export const rooms = {
  terminal: (id: number) => `terminal:${id}`,
  household: (id: number) => `household:${id}`,
  district: (id: number) => `district:${id}`,
  allTerminals: 'terminals',
  user: (id: number) => `user:${id}`,
  role: (role: string) => `role:${role}`,
  shop: (id: number) => `shop:${id}`,
};
