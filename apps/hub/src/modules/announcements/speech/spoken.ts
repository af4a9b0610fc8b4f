/**
 * What the clip's hot path keeps in memory: per recent announcement, what it says and its readings
 * (so which clip it is in each language), and the bytes of the newest clips. Every terminal of the
 * city asks for the same clip within seconds of an alert: after the first, the answer costs two map
 * lookups on either engine, not a database round trip (issue 14). What is not kept yet is read once
 * from the database (a hub that did not make the clip reads it there), every request meanwhile
 * waiting for the same read. Forgotten when the announcement or its readings change, here
 * (`forget`) or on another hub (speech/index.ts listens to the change feed).
 */
import type { SpeechLanguage } from '@tsunagu/protocol';
import { keepBounded, keptReads } from '../../../lib/kept-reads';
import type { SpeechStore, Spoken } from './store';

/** A clip as served: its bytes and their tag (an HTTP ETag: the same words give the same bytes). */
export interface ServedClip {
  data: Buffer;
  etag: string;
}

export interface SpokenClips {
  /** The clip of announcement `id` in `language` when it is kept here; undefined: ask `clip`. */
  clipNow(id: number, language: SpeechLanguage): ServedClip | undefined;
  /** The clip, read from the database when not kept; null when there is none (yet). */
  clip(id: number, language: SpeechLanguage): Promise<ServedClip | null>;
  /** A clip this hub just made or read: kept without reading it back. */
  keep(key: string, ogg: Buffer): void;
  has(key: string): boolean;
  /** Announcement `id` (or every one) changed: read it again when next asked. */
  forget(id?: number): void;
  /** A clip deleted from the database. */
  drop(key: string): void;
}

/** How many announcements and clips are kept (an alert, its update, a few notices). */
export const KEPT_ANNOUNCEMENTS = 256;
export const KEPT_CLIPS = 16;

interface Entry {
  /** The clip's key per language; null: not spoken in that language. */
  keys: Partial<Record<SpeechLanguage, string | null>>;
  spoken: Spoken;
}

export function createSpokenClips(
  store: Pick<SpeechStore, 'spoken' | 'clip'>,
  keyOf: (spoken: Spoken, language: SpeechLanguage) => string | null,
): SpokenClips {
  const entries = new Map<number, Entry>();
  const reading = new Map<number, Promise<Entry | undefined>>();
  // Not there yet (an alert sent before its clip was made): asked again next time.
  const served = keptReads<string, ServedClip>(KEPT_CLIPS, async (key) => {
    const ogg = await store.clip(key);
    return ogg ? { data: ogg, etag: `"${key}"` } : null;
  });
  // Moves on every change: a read that started before one is answered but not kept.
  let generation = 0;

  const keyIn = (e: Entry, language: SpeechLanguage) => {
    let key = e.keys[language];
    if (key === undefined) {
      key = keyOf(e.spoken, language);
      e.keys[language] = key;
    }
    return key;
  };

  function entry(id: number): Promise<Entry | undefined> {
    const kept = entries.get(id);
    if (kept) return Promise.resolve(kept);
    let p = reading.get(id);
    if (!p) {
      const started = generation;
      p = store.spoken(id).then(
        (spoken) => {
          if (reading.get(id) === p) reading.delete(id);
          const e = spoken && { spoken, keys: {} };
          // An announcement that does not exist is not kept: it may be stored in a moment.
          if (e && started === generation) keepBounded(entries, id, e, KEPT_ANNOUNCEMENTS);
          return e;
        },
        (err: unknown) => {
          if (reading.get(id) === p) reading.delete(id);
          throw err;
        },
      );
      reading.set(id, p);
    }
    return p;
  }

  return {
    clipNow(id, language) {
      const e = entries.get(id);
      const key = e && keyIn(e, language);
      return key ? served.peek(key) : undefined;
    },
    async clip(id, language) {
      const e = await entry(id);
      const key = e && keyIn(e, language);
      return key ? served.get(key) : null;
    },
    keep: (key, ogg) => served.keep(key, { data: ogg, etag: `"${key}"` }),
    has: (key) => served.has(key),
    forget(id) {
      generation++;
      if (id === undefined) {
        entries.clear();
        reading.clear();
      } else {
        entries.delete(id);
        reading.delete(id);
      }
    },
    drop: (key) => served.drop(key),
  };
}
