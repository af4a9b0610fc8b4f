// Every state change is heard as well as seen: a distinct tone, then the sentence spoken.
import { LOCALE_TAGS, playTone, speak, type ToneKind, type UiLanguage } from '@tsunagu/ui';

export interface Announcement {
  text: string;
  tone: ToneKind;
}

type Listener = (a: Announcement) => void;
const listeners = new Set<Listener>();

/** Lets the app mirror announcements into its live region (for screen readers and tests). */
export function onAnnouncement(listener: Listener): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

export function announce(announcement: Announcement, language: UiLanguage): void {
  playTone(announcement.tone);
  for (const l of listeners) l(announcement);
  // Let the tone finish its first note before the voice starts.
  setTimeout(() => void speak(announcement.text, LOCALE_TAGS[language]).catch(() => undefined), 350);
}
