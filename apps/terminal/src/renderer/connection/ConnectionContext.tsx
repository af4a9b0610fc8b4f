// Gives features the live connection so they can listen to hub events and send commands.
import type { TerminalServerEvents } from '@tsunagu/protocol';
import { createContext, useContext, useEffect, useRef } from 'react';
import type { TerminalConnection } from './connection';

export const ConnectionContext = createContext<TerminalConnection | null>(null);

/** The current connection, or null before enrollment. */
export function useConnection(): TerminalConnection | null {
  return useContext(ConnectionContext);
}

/**
 * Subscribes to a hub notification for as long as the component is mounted, e.g.
 * `useSocketEvent('announcement:published', (a) => …)` once the protocol defines it.
 */
export function useSocketEvent<E extends keyof TerminalServerEvents>(
  event: E,
  handler: NoInfer<TerminalServerEvents[E]>,
): void {
  const connection = useConnection();
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => {
    if (!connection) return;
    const listener = ((...args: unknown[]) => (latest.current as (...a: unknown[]) => void)(...args)) as never;
    connection.socket.on(event, listener);
    return () => {
      connection.socket.off(event, listener);
    };
  }, [connection, event]);
}
