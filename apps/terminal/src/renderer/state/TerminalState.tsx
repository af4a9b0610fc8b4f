/**
 * The terminal's state that outlives a screen — its announcements, what it must still tell the hub,
 * the voice clips it keeps, the machine it runs on — made once by the App and handed down through
 * React context (no module-level singletons, so each test and each enrolment starts clean).
 */
import type { TerminalAnnouncement } from '@tsunagu/protocol';
import { createContext, useContext, useSyncExternalStore } from 'react';
import type { AnnouncementArchive } from '../features/announcements/archive';
import { ClipSource } from '../features/announcements/clips';
import { AnnouncementInbox, type InboxStorage } from '../features/announcements/inbox';
import { ReceiptOutbox } from '../features/announcements/receipts';
import { CheckinQueue } from '../features/checkin/queue';
import type { DeviceControls } from '../shell/platform';

export interface TerminalState {
  inbox: AnnouncementInbox;
  receipts: ReceiptOutbox;
  checkins: CheckinQueue;
  clips: ClipSource;
  archive: AnnouncementArchive | null;
  device: DeviceControls;
}

export function createTerminalState(options: {
  storage: InboxStorage | null;
  archive: AnnouncementArchive | null;
  hub: { hubBase: string; credential: string } | null;
  device: DeviceControls;
}): TerminalState {
  return {
    inbox: new AnnouncementInbox(options.storage),
    receipts: new ReceiptOutbox(options.storage),
    checkins: new CheckinQueue(options.storage),
    clips: new ClipSource(options.hub, options.archive),
    archive: options.archive,
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

export function useUnreadAnnouncements(): number {
  const { inbox } = useTerminalState();
  return useSyncExternalStore(inbox.subscribe, () => inbox.unreadCount());
}
