/**
 * The console's one Socket.IO connection to the hub's /staff namespace (same origin; the session
 * cookie authenticates it). Features listen for live updates with useStaffEvent and send commands
 * with emitAck.
 */
import {
  type Ack,
  type CommandDataOf,
  type CommandName,
  type CommandPayloadOf,
  STAFF_NAMESPACE,
  type StaffClientEvents,
  type StaffServerEvents,
  type StaffWire,
} from '@tsunagu/protocol';
import { createContext, useContext, useEffect, useRef, useSyncExternalStore } from 'react';
import { io, type Socket } from 'socket.io-client';
import { hubBase } from './client';

export type StaffSocket = Socket<StaffServerEvents, StaffClientEvents>;
export type StaffSocketStatus = 'connecting' | 'online' | 'offline';

export class StaffConnection {
  readonly socket: StaffSocket;
  private status: StaffSocketStatus = 'connecting';
  private readonly listeners = new Set<() => void>();

  /**
   * `onClosedByHub` runs when the hub closes the socket itself, which it does when the session
   * ended (signed out elsewhere, disabled, password changed) or the user's rights changed.
   */
  constructor(
    base: string = hubBase(window.location),
    private readonly onClosedByHub: () => void = () => {},
  ) {
    const url = new URL(base);
    this.socket = io(new URL(STAFF_NAMESPACE.slice(1), url).href, {
      path: `${url.pathname.replace(/\/$/, '')}/socket.io`,
      withCredentials: true,
      autoConnect: false,
      timeout: 10_000,
      reconnectionDelay: 1_000,
      reconnectionDelayMax: 15_000,
    });
    this.socket.on('connect', () => this.setStatus('online'));
    this.socket.on('disconnect', (reason) => {
      this.setStatus('offline');
      if (reason === 'io server disconnect') this.onClosedByHub();
    });
    this.socket.on('connect_error', () => this.setStatus('offline'));
  }

  connect(): void {
    this.socket.connect();
  }

  close(): void {
    this.socket.disconnect();
    this.setStatus('offline');
  }

  getStatus = (): StaffSocketStatus => this.status;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private setStatus(status: StaffSocketStatus): void {
    if (status === this.status) return;
    this.status = status;
    for (const l of this.listeners) l();
  }
}

/** Sends a command and resolves with its data (typed by the protocol's event table); rejects with the hub's error or on timeout. */
export function emitAck<E extends CommandName<StaffWire>>(
  socket: StaffSocket,
  event: E,
  payload: CommandPayloadOf<StaffWire, E>,
  timeoutMs = 10_000,
): Promise<CommandDataOf<StaffWire, E>> {
  return new Promise((resolve, reject) => {
    // biome-ignore lint/suspicious/noExplicitAny: socket.io's typed emit cannot express a generic event here
    (socket.timeout(timeoutMs) as any).emit(
      event,
      payload,
      (err: Error | null, ack: Ack<CommandDataOf<StaffWire, E>>) => {
        if (err) return reject(err);
        if (ack.ok) resolve(ack.data);
        else reject(Object.assign(new Error(ack.error.message), { code: ack.error.code }));
      },
    );
  });
}

export const StaffConnectionContext = createContext<StaffConnection | null>(null);

export function useStaffConnection(): StaffConnection | null {
  return useContext(StaffConnectionContext);
}

export function useStaffSocketStatus(): StaffSocketStatus {
  const connection = useStaffConnection();
  return useSyncExternalStore(connection?.subscribe ?? noopSubscribe, connection?.getStatus ?? offline);
}
const noopSubscribe = () => () => {};
const offline = (): StaffSocketStatus => 'offline';

/** Calls `handler` for each `event` the hub sends while the component is mounted. */
export function useStaffEvent<E extends keyof StaffServerEvents>(
  event: E,
  handler: NoInfer<StaffServerEvents[E]>,
): void {
  const connection = useStaffConnection();
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => {
    if (!connection) return;
    // biome-ignore lint/suspicious/noExplicitAny: forwards whatever arguments the event carries
    const listener = ((...args: any[]) => (latest.current as (...a: any[]) => void)(...args)) as never;
    connection.socket.on(event, listener);
    return () => {
      connection.socket.off(event, listener);
    };
  }, [connection, event]);
}

/**
 * Calls `handler` whenever the socket (re)connects after the page mounted, so a page can refetch
 * what it may have missed while no events could reach it.
 */
export function useStaffReconnect(handler: () => void): void {
  const connection = useStaffConnection();
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => {
    if (!connection) return;
    const onConnect = () => latest.current();
    connection.socket.on('connect', onConnect);
    return () => {
      connection.socket.off('connect', onConnect);
    };
  }, [connection]);
}
