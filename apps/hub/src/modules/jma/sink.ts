/**
 * The narrow way the JMA gateway changes announcements: publish, update, withdraw, and ask whether
 * one is still live. The announcements module provides it; the gateway never touches its tables.
 */
import type { AnnouncementKind } from '@tsunagu/protocol';

/** Who the automatic announcements are by. */
export const JMA_ACTOR = 'system:jma';

export interface AlertDraft {
  kind: AnnouncementKind;
  /** A drill (訓練): shown and spoken as a drill, never as a live emergency. */
  test: boolean;
  titleJa: string;
  bodyJa: string;
  titleEn: string;
  bodyEn: string;
  safetyCheck: boolean;
  expiresAt: number | null;
  /** 'eew': the terminal plays the EEW chime at the top priority. */
  tone: 'eew' | null;
}

export interface AlertSink {
  /** Publishes to every terminal of the city now (no human confirmation); resolves with the announcement id. */
  publish(draft: AlertDraft): Promise<number>;
  /** Replaces the content of a live announcement (terminals show the newest once); false if it is no longer live. */
  update(id: number, draft: AlertDraft): Promise<boolean>;
  /** Takes a live announcement down from the terminals; false if it was no longer live. */
  withdraw(id: number): Promise<boolean>;
  isLive(id: number): Promise<boolean>;
}
