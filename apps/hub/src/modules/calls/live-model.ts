/**
 * The shape of calls in progress, apart from the code that runs them (live.ts), so the pieces that
 * read them (sync.ts, presence.ts, the commands) and live.ts itself depend on this file, not on
 * each other: the parties, a live call, the service's dependencies, the refusals every command
 * shares, and the LiveCalls interface.
 */
import type { CallEnded, CallEndReason, CallInfo, ResidentState, User } from '@tsunagu/protocol';
import type { HubContext } from '../../context';
import type { TimerHandle } from '../../lib/clock';
import { AppError } from '../../lib/errors';
import type { ShopDirectory } from '../shops/directory';
import type { CallsDirectory } from './directory';
import type { CallRouter } from './router';
import { type RouterConfig, RouterError } from './router-model';
import type { CallRecord, CallsStore } from './store';
import type { CallViews } from './views';

/** How long a terminal rings when staff call back before the call is given up. */
export const TERMINAL_RING_MS = 60_000;
/** How long a party may be disconnected during a call before it is ended. */
export const RECONNECT_GRACE_MS = 30_000;

export type TerminalParty = { kind: 'terminal'; terminalId: number; householdId: number };
export type StaffParty = { kind: 'user'; user: User; socketId: string };

export interface LiveCall {
  record: CallRecord;
  /** The console tab that holds the call (its camera and peer); another of the operator's tabs shows it only. */
  operatorSocketId: string | null;
  /** The generation of the operator's peer: raised whenever a new peer must replace the old one. */
  generation: number;
  /** The terminal's peer exists and listens (the console waits for it before it offers). */
  terminalReady: boolean;
  /** An emergency holds the call on the terminal. */
  residentHeld: boolean;
  /** The place last told to the waiting terminal: it is told again only when it changes. */
  lastPlace?: string;
  terminalRing: TimerHandle | null;
  terminalGrace: TimerHandle | null;
  operatorGrace: TimerHandle | null;
}

export interface CallsServiceDeps {
  store: CallsStore;
  shops: ShopDirectory;
  /** Household names and terminals, staff names, kept in memory (directory.ts). */
  directory: CallsDirectory;
  routerConfig?: Partial<RouterConfig>;
  /**
   * Set when this hub takes the router over from another (calls/cluster.ts): the operators'
   * availability as last stored; open calls are then resumed instead of ended (restore.ts).
   */
  takeover?: Takeover | null;
  /** Several hubs: each change of an operator's availability, to be stored for the next router. */
  onOperatorsChanged?: (operators: StoredOperator[]) => void;
  /** Set by the orders module: which shop and household an order belongs to. */
  orderLookup?: (orderId: number) => Promise<{ shopId: number; householdId: number } | null>;
}

/** An operator's availability as the router leaves it for the next one (several hubs). */
export interface StoredOperator {
  id: number;
  shopId: number;
  availability: 'available' | 'away';
}
export type Takeover = { operators: StoredOperator[] };

export const isOperator = (u: User) => (u.role === 'operator' || u.role === 'listener') && u.shopId !== null;
export const fail = (status: number, code: string, message: string) => new AppError(status, code, message);
export const notAnOperator = () => fail(403, 'NOT_AN_OPERATOR', 'Only shop staff and listeners take calls.');

/** A router refusal as the error a caller sees. */
export function fromRouter(err: unknown): never {
  if (err instanceof RouterError) {
    const status = err.code === 'UNKNOWN_OPERATOR' ? 403 : err.code === 'NOT_IN_QUEUE' ? 404 : 409;
    throw fail(status, err.code, err.message);
  }
  throw err;
}

/** Runs a router command; its refusal becomes the error a caller sees. */
export function routed<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    return fromRouter(err);
  }
}

export interface LiveCalls {
  readonly ctx: HubContext;
  readonly deps: CallsServiceDeps;
  readonly router: CallRouter;
  readonly views: CallViews;
  readonly live: Map<number, LiveCall>;
  /** Connected sockets: per terminal how many, per operator which (console tabs). */
  readonly presence: { terminals: Map<number, number>; staff: Map<number, Set<string>> };
  /**
   * Calls that ended while a party was away (also those the previous run left open): told when it
   * is back (`call:sync`), so its screen never goes on showing a call the hub ended.
   */
  readonly owed: { terminals: Map<number, CallEnded>; operators: Map<number, CallEnded> };
  /**
   * Runs `create` (which stores a new call for this terminal: its id comes from the database) with
   * the terminal marked as starting a call: a second request meanwhile is refused as the live call
   * would refuse it.
   */
  starting<T>(terminalId: number, create: () => Promise<T>): Promise<T>;
  add(record: CallRecord, operatorSocketId?: string | null): LiveCall;
  update(call: LiveCall, status: CallRecord['status'], patch?: Parameters<CallsStore['setStatus']>[2]): void;
  /** `patch`: written with the new state in one statement (e.g. who answered). */
  connect(call: LiveCall, patch?: Parameters<CallsStore['setStatus']>[2]): CallInfo;
  finish(
    call: LiveCall,
    status: 'ended' | 'abandoned' | 'declined',
    reason: CallEndReason,
    lost?: CallEnded['lost'],
  ): void;
  ringTerminal(call: LiveCall, patch?: Parameters<CallsStore['setStatus']>[2]): void;
  activeTerminal(householdId: number): number | null;
  /** The operator this household last spoke to on this shop's line (rung first when available). */
  lastOperator(householdId: number, shopId: number): Promise<number | null>;
  /** The live call this terminal (or staff member) is a party to; refused otherwise. */
  terminalCall(p: TerminalParty, callId: number): LiveCall;
  staffCall(p: { user: User }, callId: number): LiveCall;
  /** Queue positions and the queue view go out once per burst of changes. */
  queueChanged(shopId: number): void;
  /** Tells each of the operator's console tabs how its calls now look (`call:stateChanged`). */
  pushStaff(operatorId: number | null): void;
  residentState(call: LiveCall): ResidentState;
  /**
   * Stores what is pending now and then sends what is owed, without waiting for the turn to end
   * (a call ended by a timer, not a command: nothing batches with it).
   */
  flushNow(): void;
  /** Stores what is pending and sends nothing more (the hub is closing). */
  close(): Promise<void>;
}
