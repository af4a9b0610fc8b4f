/**
 * In-process domain events between capability modules (e.g. a call answered is a sign of life for
 * the check-in module). Emitted after the triggering write has been stored.
 */
import { EventEmitter } from 'node:events';

export interface DomainEvents {
  /** Any activity that may count as a sign of life for a household. */
  'household.activity': {
    householdId: number;
    kind: 'checkin' | 'call' | 'order_confirmed' | 'announcement_acknowledged' | 'delivery_well';
    at: number;
  };
  /**
   * Someone who spoke with or saw the resident is concerned (a delivery note, a call note): the
   * household's watchers must hear of it. `urgency`: how soon (urgent ones escalate sooner).
   */
  'household.concern': {
    householdId: number;
    source: string;
    note: string;
    at: number;
    urgency?: 'worried' | 'visit' | 'urgent';
  };
  /**
   * A household's details were edited (its name may have changed): copies kept elsewhere are dropped.
   * Null: any household (another hub's edits may have been missed, modules/households/changes.ts).
   */
  'household.changed': { householdId: number | null };
  /** The resident asked for help: the terminal's 助けて button, or 助けが必要です in a safety check. */
  'household.helpRequested': {
    householdId: number;
    source: 'terminal' | 'safety_check';
    announcementId: number | null;
    at: number;
  };
  /** A planned call rang the terminal and nobody answered: a missed sign of life. */
  'household.callMissed': { householdId: number; callId: number; scheduleId: number; at: number };
  /** An announcement went out to terminals (a safety check starts its wait for answers). */
  'announcement.published': { announcementId: number; safetyCheck: boolean; at: number };
  /** A watch alert reached these people (opened for them, or a level up), after it was stored. */
  'watch.alertRaised': { alertId: number; level: number; recipients: number[]; at: number };
  /** Someone acknowledged or resolved a watch alert (pending notifications about it can stop). */
  'watch.alertSettled': { alertId: number; state: 'acknowledged' | 'resolved'; actor: string; at: number };
  /** A call ended (answered or not), after its end was stored. */
  'call.ended': {
    callId: number;
    householdId: number;
    shopId: number;
    /** The staff member who took or made it; null when nobody answered an inbound call. */
    operatorId: number | null;
    answered: boolean;
    reason: string;
    at: number;
  };
}

export class DomainEventBus {
  private emitter = new EventEmitter();
  constructor(private readonly onError: (err: unknown, event: string) => void = () => {}) {
    this.emitter.setMaxListeners(50);
  }

  emit<K extends keyof DomainEvents>(event: K, payload: DomainEvents[K]): void {
    for (const listener of this.emitter.listeners(event)) {
      try {
        (listener as (p: DomainEvents[K]) => void)(payload);
      } catch (err) {
        this.onError(err, event);
      }
    }
  }

  on<K extends keyof DomainEvents>(event: K, listener: (payload: DomainEvents[K]) => void): void {
    this.emitter.on(event, listener);
  }
}
