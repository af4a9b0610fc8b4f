/**
 * The terminal's connection opened before React has loaded (issue 17): the page's entry reads the
 * hub's address and the credential and starts connecting at once, while React, i18n and the app
 * load alongside; the App then takes this connection instead of opening its own after its first
 * render. Until the App listens, what the connection says (status, profile, a refused credential)
 * is kept and said again when it takes it, and so are the hub's notifications that arrived before
 * the features' listeners were in place (the missed orders and statuses the hub sends on connect).
 */
import type { TerminalProfile } from '@tsunagu/protocol';
import type { Platform } from '../shell/platform';
import { type ConnectionEvents, type ConnectionStatus, TerminalConnection } from './connection';

/** What the App needs to start: where the hub is and this terminal's credential (null: not enrolled). */
export interface StartFacts {
  hubBase: string;
  credential: string | null;
  /** The household's profile remembered from the last start (null: none, or not enrolled): home is drawn from it while the hub answers. */
  profile: TerminalProfile | null;
  /** Already connecting with these facts, or null (not enrolled). */
  early: EarlyConnection | null;
}

type Listener = (...args: unknown[]) => void;
/** The part of the socket that holds and hands on notifications, whatever their names. */
interface AnySocket {
  onAny(listener: Listener): void;
  offAny(listener: Listener): void;
  listeners(event: string): Listener[];
}

export class EarlyConnection {
  readonly connection: TerminalConnection;
  private target: ConnectionEvents | null = null;
  private taken = false;
  private lastStatus: ConnectionStatus | null = null;
  private lastProfile: TerminalProfile | null = null;
  private rejected = false;
  /** Notifications, with the listeners that already heard each; null once handed on. */
  private held: { event: string; args: unknown[]; heard: Set<Listener> }[] | null = [];
  private readonly socket: AnySocket;
  private readonly hold: Listener = (event, ...args) => {
    const name = String(event);
    this.held?.push({ event: name, args, heard: new Set(this.socket.listeners(name)) });
  };

  constructor(
    readonly hubBase: string,
    readonly credential: string,
    appVersion: string,
  ) {
    this.connection = new TerminalConnection({
      hubBase,
      credential,
      appVersion,
      events: {
        status: (s) => {
          this.lastStatus = s;
          this.target?.status(s);
        },
        profile: (p) => {
          this.lastProfile = p;
          this.target?.profile(p);
        },
        credentialRejected: () => {
          this.rejected = true;
          this.target?.credentialRejected();
        },
      },
    });
    this.socket = this.connection.socket as unknown as AnySocket;
    this.socket.onAny(this.hold);
    this.connection.start();
  }

  /**
   * What it has said so far (status, profile), without taking it: the App's first render starts
   * from it, so when the hub answered before React had loaded, that render is already home.
   */
  peek(): { status: ConnectionStatus | null; profile: TerminalProfile | null } {
    return this.taken ? { status: null, profile: null } : { status: this.lastStatus, profile: this.lastProfile };
  }

  /**
   * The App takes the connection, once, if it is for the same hub and credential (otherwise it is
   * closed and the App opens its own): what it said so far is said again to `events`.
   */
  take(hubBase: string, credential: string, events: ConnectionEvents): TerminalConnection | null {
    if (this.taken) return null;
    this.taken = true;
    if (hubBase !== this.hubBase || credential !== this.credential) {
      this.dispose();
      return null;
    }
    this.target = events;
    if (this.lastStatus) events.status(this.lastStatus);
    if (this.lastProfile) events.profile(this.lastProfile);
    if (this.rejected) events.credentialRejected();
    this.lastProfile = null;
    return this.connection;
  }

  /**
   * Every feature listens now (the App calls this once its online screens are mounted): the
   * notifications that came before are given, in order, to each listener that did not hear them.
   */
  release(): void {
    const held = this.held;
    if (!held) return;
    this.held = null;
    this.socket.offAny(this.hold);
    for (const h of held)
      for (const listener of this.socket.listeners(h.event)) if (!h.heard.has(listener)) listener(...h.args);
  }

  /** Not taken by the App: close it. */
  dispose(): void {
    this.held = null;
    this.socket.offAny(this.hold);
    this.connection.stop();
  }
}

/**
 * Where the hub is, the credential (a failed read: not enrolled) and the remembered profile (a
 * failed read: none), the two reads side by side (in the kiosk each is a round trip to main).
 */
async function readStartFacts(
  platform: Platform,
): Promise<{ hubBase: string; credential: string | null; profile: Promise<TerminalProfile | null> }> {
  const hubBase = await platform.hubBase();
  const profile = platform.rememberedProfile().catch(() => null);
  const credential = await platform.getCredential().catch(() => null);
  return { hubBase, credential, profile };
}

/** Reads the start facts and, when the terminal is enrolled, starts connecting at once. */
export async function startEarly(platform: Platform, options: { connect: boolean }): Promise<StartFacts> {
  const facts = await readStartFacts(platform);
  const { hubBase, credential } = facts;
  const early = options.connect && credential ? new EarlyConnection(hubBase, credential, platform.appVersion) : null;
  const profile = credential ? await facts.profile : null;
  return { hubBase, credential, profile, early };
}
