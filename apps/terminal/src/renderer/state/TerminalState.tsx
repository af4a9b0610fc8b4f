/**
 * The terminal's state that outlives a screen — its announcements, what it must still tell the hub,
 * the voice clips it keeps, the machine it runs on — made once by the App and handed down through
 * React context (no module-level singletons, so each test and each enrolment starts clean).
 */
import type { CheckinReminder, TerminalAnnouncement } from '@tsunagu/protocol';
import { createContext, useContext, useSyncExternalStore } from 'react';
import type { AnnouncementArchive } from '../features/announcements/archive';
import { ClipSource } from '../features/announcements/clips';
import { AnnouncementInbox, type InboxStorage } from '../features/announcements/inbox';
import { ReceiptOutbox } from '../features/announcements/receipts';
import { CheckinQueue } from '../features/checkin/queue';
import { CheckinReminderNotice } from '../features/checkin/reminder';
import type { DeviceControls } from '../shell/platform';

export interface TerminalState {
  inbox: AnnouncementInbox;
  receipts: ReceiptOutbox;
  checkins: CheckinQueue;
  /** Today's check-in reminder until the resident checks in (shown on home). */
  reminder: CheckinReminderNotice;
  clips: ClipSource;
  /**
   * The kept copy (IndexedDB): resolves once it is open and what it held is in the inbox; null
   * where there is none. Screens never wait for it.
   */
  archive: Promise<AnnouncementArchive | null>;
  device: DeviceControls;
}

export function createTerminalState(options: {
  storage: InboxStorage | null;
  archive: Promise<AnnouncementArchive | null>;
  hub: { hubBase: string; credential: string } | null;
  device: DeviceControls;
}): TerminalState {
  const inbox = new AnnouncementInbox(options.storage);
  const archive = options.archive
    .catch(() => null)
    .then(async (kept) => {
      if (kept) inbox.hydrate(await kept.list().catch(() => []));
      return kept;
    });
  return {
    inbox,
    receipts: new ReceiptOutbox(options.storage),
    checkins: new CheckinQueue(options.storage),
    reminder: new CheckinReminderNotice(),
    clips: new ClipSource(options.hub, archive),
    archive,
    device: options.device,
  };
}

export const TerminalStateContext = createContext<TerminalState | null>(null);

export function useTerminalState(): TerminalState {
  const state = useContext(TerminalStateContext);
  if (!state) throw new Error('useTerminalState outside TerminalStateContext');
  return state;
}

/** Newest first; re-renders when it changes. */
export function useAnnouncements(): TerminalAnnouncement[] {
  const { inbox } = useTerminalState();
  return useSyncExternalStore(inbox.subscribe, inbox.getSnapshot);
}

/** The unacknowledged emergency that takes over the screen, or null. */
export function usePendingEmergency(): TerminalAnnouncement | null {
  const { inbox } = useTerminalState();
  useAnnouncements();
  return inbox.pendingEmergency();
}

/** "An emergency is on screen": other features hold calls and questions meanwhile. */
export function useEmergencyActive(): boolean {
  const state = useContext(TerminalStateContext);
  const inbox = state?.inbox;
  return useSyncExternalStore(
    (l) => inbox?.subscribe(l) ?? (() => undefined),
    () => (inbox ? inbox.pendingEmergency() !== null : false),
  );
}

/** Today's check-in reminder, or null once the resident has checked in. */
export function useCheckinReminder(): CheckinReminder | null {
  const { reminder } = useTerminalState();
  return useSyncExternalStore(reminder.subscribe, reminder.getSnapshot);
}

export function useUnreadAnnouncements(): number {
  const { inbox } = useTerminalState();
  return useSyncExternalStore(inbox.subscribe, () => inbox.unreadCount());
}
