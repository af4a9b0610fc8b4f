/**
 * Minimal virtual terminals for the reliability tests: the terminal's handshake, automatic
 * reconnection, and its announcement screen modelled as the renderer's inbox keeps it
 * (apps/terminal/…/announcements/inbox.ts): de-duplicated by id, so a sync after a reconnect never
 * shows an announcement twice, and the hub's sync list is the truth, so an announcement a sync
 * leaves out is taken off the screen (and shown as new again if it comes back).
 */
import { type Ack, PROTOCOL_VERSION, TERMINAL_NAMESPACE, type TerminalAnnouncement } from '@tsunagu/protocol';
import { io, type Socket } from 'socket.io-client';
import { busyRetryDelay } from '../sim/terminal';

export interface TerminalIdentity {
  householdId: number;
  terminalId: number;
  credential: string;
}

export class FleetTerminal {
  readonly socket: Socket;
  /** What is on the screen: one entry per announcement id (the renderer's inbox). */
  readonly screen = new Map<number, TerminalAnnouncement>();
  /** How many times each id was put on screen as new (must never exceed 1). */
  readonly shownAsNew = new Map<number, number>();
  /** Every copy that arrived, live or in a sync (duplicates are expected after a reconnect). */
  arrivals = 0;
  /** A sync list that named the same id twice (a hub bug). */
  duplicateInSync = 0;
  /** Announcements on the screen that a sync list left out (taken off the screen, as the inbox does). */
  removedBySync = 0;
  /** The same announcement sent live twice on one connection (a hub sending it twice). */
  liveTwice = 0;
  private liveThisConnection = new Set<number>();
  disconnects = 0;
  /** `delivered` receipts the hub acknowledged as stored. */
  readonly receiptsStored = new Set<number>();
  connects = 0;
  private closed = false;
  /** The last connection error (for failure messages). */
  lastError: string | null = null;

  constructor(
    url: string,
    readonly identity: TerminalIdentity,
    options: { sendReceipts?: boolean; reconnectionDelayMs?: number } = {},
  ) {
    this.socket = io(`${url}${TERMINAL_NAMESPACE}`, {
      auth: { credential: identity.credential, protocolVersion: PROTOCOL_VERSION },
      transports: ['websocket'],
      forceNew: true,
      autoConnect: false,
      reconnection: true,
      reconnectionAttempts: Number.POSITIVE_INFINITY,
      reconnectionDelay: options.reconnectionDelayMs ?? 300,
      reconnectionDelayMax: 2_000,
      randomizationFactor: 0.5,
      timeout: 10_000,
    });
    const show = (a: TerminalAnnouncement) => {
      this.arrivals++;
      if (!this.screen.has(a.id)) {
        this.shownAsNew.set(a.id, (this.shownAsNew.get(a.id) ?? 0) + 1);
        if (options.sendReceipts !== false) void this.receipt(a.id);
      }
      this.screen.set(a.id, a);
    };
    this.socket.on('connect', () => {
      this.connects++;
      this.liveThisConnection.clear();
    });
    // A hub shutting down disconnects every socket on purpose, and Socket.IO does not retry after
    // that by itself; the terminal's connection module does, and so do we.
    this.socket.on('disconnect', (reason) => {
      this.disconnects++;
      if (reason === 'io server disconnect' && !this.closed) setTimeout(() => this.socket.connect(), 300);
    });
    this.socket.on('connect_error', (err: Error & { data?: { code?: string; retryAfterMs?: number } }) => {
      this.lastError = `${err.data?.code ?? ''} ${err.message}`;
      // A busy hub (admission control) says when to come back; Socket.IO does not retry a refusal itself.
      if (err.data?.code === 'HUB_BUSY' && !this.closed)
        setTimeout(() => this.socket.connect(), busyRetryDelay(err.data.retryAfterMs, 1_000));
    });
    this.socket.on('announcement:published', (a: TerminalAnnouncement) => {
      if (this.liveThisConnection.has(a.id)) this.liveTwice++;
      this.liveThisConnection.add(a.id);
      show(a);
    });
    this.socket.on('announcement:sync', (p: { announcements: TerminalAnnouncement[] }) => {
      const ids = new Set(p.announcements.map((a) => a.id));
      if (ids.size !== p.announcements.length) this.duplicateInSync++;
      for (const id of [...this.screen.keys()]) {
        if (ids.has(id)) continue;
        this.screen.delete(id);
        this.removedBySync++;
      }
      for (const a of p.announcements) show(a);
    });
  }

  private async receipt(id: number): Promise<void> {
    // Retried on the next connection until the hub says it is stored (as the terminal does).
    for (let attempt = 0; attempt < 100 && !this.receiptsStored.has(id) && !this.closed; attempt++) {
      if (this.socket.connected) {
        try {
          const ack = (await this.socket
            .timeout(5_000)
            .emitWithAck('announcement:receipt', { announcementId: id, stage: 'delivered' })) as Ack<unknown>;
          if (ack.ok) {
            this.receiptsStored.add(id);
            return;
          }
        } catch {
          // no answer (the hub died): try again once reconnected
        }
      }
      await new Promise((r) => setTimeout(r, 300));
    }
  }

  connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`terminal ${this.identity.terminalId} did not connect: ${this.lastError}`)),
        30_000,
      );
      this.socket.once('connect', () => {
        clearTimeout(timer);
        resolve();
      });
      this.socket.connect();
    });
  }

  close(): void {
    this.closed = true;
    this.socket.close();
  }
}

/** Connects terminals in batches (a thousand handshakes at once would only measure the test machine). */
export async function connectFleet(
  url: string,
  identities: TerminalIdentity[],
  options: { batch?: number; sendReceipts?: boolean } = {},
): Promise<FleetTerminal[]> {
  const fleet = identities.map((id) => new FleetTerminal(url, id, options));
  const batch = options.batch ?? 100;
  try {
    for (let i = 0; i < fleet.length; i += batch) {
      await Promise.all(fleet.slice(i, i + batch).map((t) => t.connect()));
    }
  } catch (err) {
    // Or they would go on reconnecting after the test has failed.
    for (const t of fleet) t.close();
    throw err;
  }
  return fleet;
}

/** Polls `predicate` until it holds or `timeoutMs` passes; returns whether it held. */
export async function waitFor(predicate: () => boolean, timeoutMs: number, stepMs = 50): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (predicate()) return true;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  return predicate();
}

/** The emergency the crash and failover tests publish: an evacuation order to the whole city. */
export const EVACUATION_ORDER = {
  kind: 'emergency',
  titleJa: '避難指示',
  bodyJa: '大雨のため、ただちに避難してください。',
  target: { type: 'all' },
  confirmWholeCity: true,
} as const;
