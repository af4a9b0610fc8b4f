// Gives features the terminal's one sound channel and the "announce a change" helper.
import type { ToneKind } from '@tsunagu/ui';
import { createContext, useContext } from 'react';
import { SoundArbiter, type SoundLevel } from './arbiter';

/** A state change made audible: a distinct tone, then the sentence spoken (and shown to screen readers). */
export interface Announcement {
  text: string;
  tone: ToneKind;
}

export interface Sound {
  arbiter: SoundArbiter;
  /** A tone and a sentence, at `level` (default: a screen cue, which anything more important cuts). */
  announce(announcement: Announcement, level?: SoundLevel): void;
}

const fallback: Sound = { arbiter: new SoundArbiter(), announce: () => undefined };
export const SoundContext = createContext<Sound>(fallback);

export function useSound(): Sound {
  return useContext(SoundContext);
}
