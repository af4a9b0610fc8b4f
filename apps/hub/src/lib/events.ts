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
  /** Shop staff noted a concern at delivery: the household's watchers must hear of it. */
  'household.concern': { householdId: number; source: string; note: string; at: number };
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
