/** What sound jobs are made of: a tone, a sentence spoken, a clip played — each stoppable by the arbiter. */
import { LOCALE_TAGS, playTone, speak, TONES, type ToneKind, type UiLanguage } from '@tsunagu/ui';

/** Waits `ms`, or less when `signal` aborts. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

/** Plays a tone and waits until it has sounded. */
export async function tone(kind: ToneKind, signal: AbortSignal, volume?: number): Promise<void> {
  if (signal.aborted) return;
  playTone(kind, volume);
  const end = Math.max(...TONES[kind].map((n) => n.start + n.duration));
  await pause(end * 1000 + 100, signal);
}

function stopSpeech(): void {
  try {
    window.speechSynthesis?.cancel();
  } catch {
    // No speech engine: nothing to stop.
  }
}

/** Speaks `text` and resolves when the voice has finished (or a generous estimate has passed). */
export async function say(text: string, language: UiLanguage, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return;
  const onAbort = () => stopSpeech();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    const via = await speak(text, LOCALE_TAGS[language]).catch(() => 'none' as const);
    if (via !== 'speechSynthesis') {
      // Nothing tells us when a fallback voice ends: allow about the time it takes to say.
      await pause(Math.min(1500 + text.length * 120, 15_000), signal);
      return;
    }
    const limit = Date.now() + 4000 + text.length * 400;
    await pause(400, signal);
    while (!signal.aborted && Date.now() < limit && window.speechSynthesis?.speaking) await pause(200, signal);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/** The audio element playing now (tests and the diagnostics read it). */
export const CLIP_TEST_ID = 'sound-clip';

/** Plays a clip to the end; resolves false when it could not be played. */
export function playClip(url: string, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const audio = new Audio(url);
    audio.dataset.testid = CLIP_TEST_ID;
    // Kept in the document while it plays, so it can be found (and its progress seen).
    audio.hidden = true;
    document.body.appendChild(audio);
    const done = (ok: boolean) => {
      audio.onended = null;
      audio.onerror = null;
      audio.pause();
      audio.remove();
      signal.removeEventListener('abort', onAbort);
      resolve(ok);
    };
    const onAbort = () => done(false);
    signal.addEventListener('abort', onAbort, { once: true });
    audio.onended = () => done(true);
    audio.onerror = () => done(false);
    audio.play().catch(() => done(false));
  });
}

/** Plays the clip when there is one, otherwise speaks the text. */
export async function clipOrSpeech(
  clip: string | null,
  text: string,
  language: UiLanguage,
  signal: AbortSignal,
): Promise<void> {
  if (clip && (await playClip(clip, signal))) return;
  if (!signal.aborted) await say(text, language, signal);
}
