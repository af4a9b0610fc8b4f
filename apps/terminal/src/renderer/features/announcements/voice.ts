/** Reading announcements aloud (speech synthesis) or playing their recorded voice clip, and knowing when it has finished. */
import { LOCALE_TAGS, speak, type UiLanguage } from '@tsunagu/ui';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Speaks and resolves when the voice has finished (or a generous estimate has passed). */
export async function speakAndWait(
  text: string,
  language: UiLanguage,
  isCancelled: () => boolean = () => false,
): Promise<void> {
  const via = await speak(text, LOCALE_TAGS[language]).catch(() => 'none' as const);
  const limit = Date.now() + 4000 + text.length * 400;
  if (via !== 'speechSynthesis') {
    // Nothing tells us when a fallback voice ends: allow about the time it takes to say.
    await sleep(Math.min(1500 + text.length * 120, 15_000));
    return;
  }
  await sleep(400);
  while (!isCancelled() && Date.now() < limit && typeof window !== 'undefined' && window.speechSynthesis?.speaking)
    await sleep(200);
}

export function stopSpeaking(): void {
  try {
    window.speechSynthesis?.cancel();
  } catch {
    // No speech engine: nothing to stop.
  }
}

/** Where clips come from: set by the announcements layer from the terminal's hub and credential. */
let source: { hubBase: string; credential: string } | null = null;
const clips = new Map<string, Promise<string | null>>();

export function setClipSource(next: { hubBase: string; credential: string } | null): void {
  source = next;
}

/** A blob URL for an announcement's voice clip (fetched with the device credential), or null. */
export function clipUrl(id: number, version: number): Promise<string | null> {
  const key = `${id}:${version}`;
  let p = clips.get(key);
  if (!p) {
    const s = source;
    p = s
      ? fetch(new URL(`api/terminal/announcements/${id}/audio`, s.hubBase).href, {
          headers: { authorization: `Bearer ${s.credential}` },
        })
          .then(async (r) => (r.ok ? URL.createObjectURL(await r.blob()) : null))
          .catch(() => null)
      : Promise.resolve(null);
    clips.set(key, p);
    // A failed fetch is tried again next time.
    void p.then((u) => {
      if (!u) clips.delete(key);
    });
  }
  return p;
}

let playing: HTMLAudioElement | null = null;

/** Plays a clip to the end; resolves false when it could not be played. */
export function playClip(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    playing?.pause();
    const audio = new Audio(url);
    playing = audio;
    const done = (ok: boolean) => {
      audio.onended = null;
      audio.onerror = null;
      resolve(ok);
    };
    audio.onended = () => done(true);
    audio.onerror = () => done(false);
    audio.play().catch(() => done(false));
  });
}

export function stopClip(): void {
  playing?.pause();
  playing = null;
}

/** Reads an announcement: its clip when it has one, otherwise its text. */
export async function readAloud(
  a: { id: number; version: number; hasAudio: boolean },
  text: string,
  language: UiLanguage,
  isCancelled: () => boolean = () => false,
): Promise<void> {
  if (a.hasAudio) {
    const url = await clipUrl(a.id, a.version);
    if (url && !isCancelled() && (await playClip(url))) return;
  }
  if (!isCancelled()) await speakAndWait(text, language, isCancelled);
}
