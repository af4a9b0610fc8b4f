/**
 * Today's check-in reminder, kept after it was spoken so the home screen can show it too, until the
 * resident presses 「元気です」 (or the next reminder replaces it).
 */
import type { CheckinReminder } from '@tsunagu/protocol';

export class CheckinReminderNotice {
  private current: CheckinReminder | null = null;
  private readonly listeners = new Set<() => void>();

  subscribe = (l: () => void): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };

  getSnapshot = (): CheckinReminder | null => this.current;

  set(r: CheckinReminder | null): void {
    this.current = r;
    for (const l of this.listeners) l();
  }
}
