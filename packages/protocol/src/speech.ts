/**
 * Announcements spoken by the hub: each announcement's text is made into a voice clip (Ogg/Opus)
 * per language and version before it is sent, so every terminal plays the same intelligible voice,
 * also offline. City hall gives readings (ふりがな) for words the engine gets wrong.
 */
import { type Static, Type } from '@sinclair/typebox';
import { Closed, literals, Nullable } from './common';
import { NonNegativeInt } from './fragments';

export const SpeechLanguage = literals('ja', 'en');
export type SpeechLanguage = Static<typeof SpeechLanguage>;

/** Hiragana, katakana, the long-vowel mark, spaces and 、。・: what a reading may be written in. */
const KANA = '^[\\u3041-\\u309F\\u30A0-\\u30FF\\u3000-\\u3002\\u30FB\\uFF70 ]+$';

/** A word as written and how it is said, e.g. { text: '大字', reading: 'おおあざ' }. */
export const SpeechReading = Closed({
  text: Type.String({ minLength: 1, maxLength: 50 }),
  reading: Type.String({ minLength: 1, maxLength: 100, pattern: KANA }),
});
export type SpeechReading = Static<typeof SpeechReading>;
export const SpeechReadings = Type.Array(SpeechReading, { maxItems: 50 });

export const SpeechQuery = Closed({ lang: Type.Optional(SpeechLanguage) });
export type SpeechQuery = Static<typeof SpeechQuery>;

/** What the compose dialog sends to hear an announcement before it is sent. */
export const SpeechPreviewBody = Closed({
  kind: literals('emergency', 'important', 'routine'),
  test: Type.Optional(Type.Boolean()),
  title: Type.String({ minLength: 1, maxLength: 200 }),
  body: Type.String({ minLength: 1, maxLength: 4000 }),
  language: Type.Optional(SpeechLanguage),
  readings: Type.Optional(SpeechReadings),
});
export type SpeechPreviewBody = Static<typeof SpeechPreviewBody>;

export const SpeechPreview = Type.Object({
  language: SpeechLanguage,
  /** What the engine will say, in katakana (Japanese only): staff can spot a wrong reading. */
  pronunciation: Nullable(Type.String()),
  durationMs: NonNegativeInt,
  bytes: NonNegativeInt,
  /** The clip itself, Ogg/Opus in base64 (a few tens of KB). */
  audioBase64: Type.String(),
});
export type SpeechPreview = Static<typeof SpeechPreview>;
