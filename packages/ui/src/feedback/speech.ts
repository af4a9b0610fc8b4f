/**
 * Speaks text aloud. Uses the Web Speech API when the browser has a voice for the language;
 * otherwise hands the text to a pluggable fallback.
 *
 * On the set-top terminal, Chromium usually has no Japanese voice of its own. The image runs
 * speech-dispatcher with espeak-ng (or Open JTalk) and a tiny local HTTP endpoint; the terminal
 * wires it with `setSpeechFallback(createHttpSpeechFallback('http://127.0.0.1:PORT/speak'))`.
 * Without a fallback, text that cannot be spoken is still announced through the `tsunagu:speak`
 * window event (tests and the Electron shell can listen to it).
 */
export type SpeechFallback = (text: string, lang: string) => Promise<void> | void;

export interface SpeakRequest {
  text: string;
  lang: string;
  via: 'speechSynthesis' | 'fallback' | 'none';
}

export const SPEAK_EVENT = 'tsunagu:speak';

let fallback: SpeechFallback | null = null;

export function setSpeechFallback(next: SpeechFallback | null): void {
  fallback = next;
}

/** A fallback that POSTs `{ text, lang }` as JSON to a local speech endpoint. */
export function createHttpSpeechFallback(url: string, fetchImpl: typeof fetch = fetch): SpeechFallback {
  return async (text, lang) => {
    try {
      await fetchImpl(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text, lang }),
      });
    } catch {
      // Speech is a help, not a dependency: a missing speech service must never break the screen.
    }
  };
}

/** Picks the best voice for a BCP 47 tag: exact match, then same language, local voices first. */
export function pickVoice<V extends { lang: string; localService: boolean }>(
  voices: readonly V[],
  lang: string,
): V | undefined {
  const base = lang.toLowerCase().split('-')[0];
  const norm = (v: V) => v.lang.toLowerCase().replace('_', '-');
  const ranked = [...voices].sort((a, b) => Number(b.localService) - Number(a.localService));
  return ranked.find((v) => norm(v) === lang.toLowerCase()) ?? ranked.find((v) => norm(v).split('-')[0] === base);
}

function synth(): SpeechSynthesis | undefined {
  return typeof window !== 'undefined' && 'speechSynthesis' in window ? window.speechSynthesis : undefined;
}

function voicesSoon(s: SpeechSynthesis, waitMs: number): Promise<SpeechSynthesisVoice[]> {
  const now = s.getVoices();
  if (now.length > 0 || waitMs <= 0) return Promise.resolve(now);
  return new Promise((resolve) => {
    const done = () => {
      s.removeEventListener('voiceschanged', done);
      clearTimeout(timer);
      resolve(s.getVoices());
    };
    const timer = setTimeout(done, waitMs);
    s.addEventListener('voiceschanged', done);
  });
}

/**
 * Speaks `text` in `lang` ('ja-JP', 'en-US'), interrupting whatever was being said: a new screen
 * makes the previous sentence obsolete.
 */
export async function speak(text: string, lang: string): Promise<SpeakRequest['via']> {
  const s = synth();
  let via: SpeakRequest['via'] = 'none';
  if (s) {
    const voice = pickVoice(await voicesSoon(s, 300), lang);
    if (voice) {
      s.cancel();
      const utterance = new SpeechSynthesisUtterance(text);
      utterance.lang = lang;
      utterance.voice = voice;
      utterance.rate = 0.85; // a little slower than default: easier for older listeners
      s.speak(utterance);
      via = 'speechSynthesis';
    }
  }
  if (via === 'none' && fallback) {
    via = 'fallback';
    await fallback(text, lang);
  }
  if (typeof window !== 'undefined' && typeof CustomEvent !== 'undefined') {
    window.dispatchEvent(new CustomEvent<SpeakRequest>(SPEAK_EVENT, { detail: { text, lang, via } }));
  }
  return via;
}
