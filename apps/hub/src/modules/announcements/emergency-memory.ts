/**
 * Published emergencies kept in memory with the households they are for. A terminal that connects
 * gets its catch-up list from the database; when even reading fails (a failing disk), it gets the
 * emergencies from here instead, so an emergency already published keeps reaching people while
 * storage is down (docs/operations.md, "When the hub cannot store").
 */
import type { TerminalAnnouncement } from '@tsunagu/protocol';
import type { AnnouncementRecord } from './store';
import { freshForTerminals } from './views';

export class EmergencyMemory {
  private readonly items = new Map<number, { view: TerminalAnnouncement; households: Set<number> }>();

  /** A published emergency (or its new content): others are not kept. */
  remember(a: AnnouncementRecord, householdIds: readonly number[]): void {
    if (a.kind === 'emergency' && a.status === 'published')
      this.items.set(a.id, { view: freshForTerminals(a), households: new Set(householdIds) });
    else this.forget(a.id);
  }

  forget(id: number): void {
    this.items.delete(id);
  }

  /** The emergencies for a household, oldest first (as the catch-up list orders them). */
  forHousehold(householdId: number): TerminalAnnouncement[] {
    return [...this.items.entries()]
      .filter(([, e]) => e.households.has(householdId))
      .sort(([a], [b]) => a - b)
      .map(([, e]) => e.view);
  }
}
