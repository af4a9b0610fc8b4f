/**
 * Socket.IO event maps. Two namespaces:
 *  - `/terminal`: set-top terminals, authenticated by their device credential;
 *  - `/staff`: console users, authenticated by their session cookie.
 * Commands are `area:verb` and answer through an ack `{ ok, data } | { ok: false, error }`;
 * notifications are `area:pastTense`. Each capability adds its events to these maps.
 */
import type { AckCallback } from './errors';
import type { TerminalProfile } from './terminals';

export const TERMINAL_NAMESPACE = '/terminal';
export const STAFF_NAMESPACE = '/staff';

/** Sent by the hub to a terminal. */
export interface TerminalServerEvents {
  /** The hub's view of this terminal, sent right after connecting and when it changes. */
  'terminal:profileChanged': (profile: TerminalProfile) => void;
  /** This terminal's credential was revoked: forget it and show the enrollment screen. */
  'terminal:revoked': () => void;
}

/** Sent by a terminal to the hub. */
export interface TerminalClientEvents {
  'terminal:heartbeat': (payload: Record<string, never>, ack: AckCallback<{ serverTime: string }>) => void;
}

export interface StaffServerEvents {
  /** A terminal came online or went offline. */
  'terminal:presenceChanged': (payload: {
    terminalId: number;
    householdId: number;
    online: boolean;
    lastSeenAt: string | null;
  }) => void;
}

export interface StaffClientEvents {
  'staff:ping': (payload: Record<string, never>, ack: AckCallback<{ serverTime: string }>) => void;
}

/** Name of the Socket.IO connect_error `data` field the hub fills on refusal. */
export interface ConnectErrorData {
  code: string;
  message: string;
  serverProtocolVersion?: number;
}
