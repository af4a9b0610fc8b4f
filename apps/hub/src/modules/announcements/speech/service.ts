/**
 * The hub's voice for announcements: before an announcement (or new content of it) is sent, its
 * spoken script is made into an Ogg/Opus clip per language, so every terminal plays the same
 * intelligible voice, also offline. Clips are files named by a hash of what they say, so a clip can
 * be made before the announcement is stored, and an unchanged text is never synthesised twice.
 * A failure never holds an alert back: it is sent with its text (terminals fall back to their own
 * speech), and the failure is logged and counted in /metrics.
 */
import { createHash } from 'node:crypto';
import type { SpeechLanguage, SpeechPreview, SpeechPreviewBody, SpeechReading } from '@tsunagu/protocol';
import { Counter, Histogram } from 'prom-client';
import type { HubContext } from '../../../context';
import type { Sql } from '../../../db/sql';
import { AppError } from '../../../lib/errors';
import { type Clip, type SpeechEngine, SpeechUnavailableError } from '../../../lib/speech/engine';
import { speechInput } from '../../../lib/speech/text';
import { StorageUnavailableError, storageProblemOf } from '../../../lib/storage-errors';
import { createSpokenClips, type ServedClip } from './spoken';
import type { Speakable, SpeechStore, Spoken, SpokenContent } from './store';

export type { ServedClip } from './spoken';

/** What is spoken of an announcement. */
export type SpeechContent = SpokenContent;

export interface AnnouncementSpeech {
  readonly languages: Record<SpeechLanguage, boolean>;
  /**
   * Makes the clips of this content. Never throws and never waits past the deadline; resolves with
   * the languages that have a clip.
   */
  prepare(content: SpeechContent, readings: readonly SpeechReading[]): Promise<SpeechLanguage[]>;
  /**
   * The clip of announcement `id` as it stands in `language`, when it was made: its bytes and its
   * tag (the hash of what it says), kept in memory (speech/spoken.ts). `clipNow` answers only from
   * memory (the fast path cannot wait); `clip` reads what is not kept yet from the database.
   */
  clipNow(id: number, language: SpeechLanguage): ServedClip | undefined;
  clip(id: number, language: SpeechLanguage): Promise<ServedClip | null>;
  /** Whether the clip of this content in `language` was made. */
  hasClip(content: SpeechContent, readings: readonly SpeechReading[], language: SpeechLanguage): Promise<boolean>;
  readings(announcementId: number): Promise<SpeechReading[]>;
  /** Stores city hall's readings (`tx`: inside the announcement's own unit of work); every hub's clip follows. */
  setReadings(announcementId: number, readings: readonly SpeechReading[], tx?: Sql): Promise<void>;
  /** Announcement `id` (or every one) changed on this hub or another: its clip is looked up again. */
  forget(id?: number): void;
  /**
   * The clip the compose dialog plays before sending, with what the engine will say; kept, so
   * sending the same words right after needs no synthesis.
   */
  preview(body: SpeechPreviewBody): Promise<SpeechPreview>;
  /**
   * Deletes the clips nobody can ask for any more. Kept: the clip of what each of `live` says now
   * (and of its change awaiting approval), with its readings; any clip being made; any clip made
   * less than `graceMs` ago (a preview city hall has not sent yet).
   */
  prune(live: readonly Speakable[], graceMs: number): Promise<{ removed: number; kept: number }>;
}

export interface SpeechDeps {
  store: SpeechStore;
  engine: SpeechEngine;
  /** How long publishing waits for a clip before sending without one. */
  deadlineMs?: number;
  /** The same for an emergency, which cannot wait long (an earthquake early warning). */
  emergencyDeadlineMs?: number;
}

export const SPEECH_DEADLINE_MS = 20_000;
/**
 * An emergency waits at most this long for its clip. City hall's console makes the clip while
 * staff check the preview, so theirs is ready; an automatic alert (JMA, CAP) is sent at once with
 * its text, the clip follows moments later, and terminals play it from their next reading.
 */
export const EMERGENCY_SPEECH_DEADLINE_MS = 1_000;
/** A clip nobody is given any more is deleted once it is this old: a preview may be sent a day later. */
export const CLIP_GRACE_MS = 24 * 60 * 60 * 1000;

/** One set per registry: a second speech service on the same hub (tests) counts into the same metrics. */
function speechMetrics(ctx: HubContext) {
  const registry = ctx.metrics.registry;
  const seconds =
    (registry.getSingleMetric('tsunagu_speech_synthesis_seconds') as Histogram<'language'> | undefined) ??
    new Histogram({
      name: 'tsunagu_speech_synthesis_seconds',
      help: 'Time to make one announcement voice clip (synthesis and Opus encoding), by language',
      labelNames: ['language'],
      buckets: [0.25, 0.5, 1, 2, 4, 8, 16],
      registers: [registry],
    });
  const failures =
    (registry.getSingleMetric('tsunagu_speech_synthesis_failures_total') as
      | Counter<'language' | 'reason'>
      | undefined) ??
    new Counter({
      name: 'tsunagu_speech_synthesis_failures_total',
      help: 'Announcements sent without a hub voice clip (terminals used their own speech), by language and reason',
      labelNames: ['language', 'reason'],
      registers: [registry],
    });
  return { seconds, failures };
}

/** The spoken script of `content` in `language`, as the engine gets it. */
export function speechText(
  content: Pick<SpeechContent, 'kind' | 'test' | 'titleJa' | 'bodyJa' | 'titleEn' | 'bodyEn'>,
  readings: readonly SpeechReading[],
  language: SpeechLanguage,
): string {
  const english = language === 'en';
  return speechInput(
    {
      kind: content.kind,
      test: content.test,
      title: english ? (content.titleEn ?? content.titleJa) : content.titleJa,
      body: english ? (content.bodyEn ?? content.bodyJa) : content.bodyJa,
    },
    language,
    readings,
  );
}

/** The languages an announcement is spoken in: Japanese always, English when it has English text. */
export function languagesOf(content: SpeechContent): SpeechLanguage[] {
  if (content.audioId) return [];
  return content.titleEn || content.bodyEn ? ['ja', 'en'] : ['ja'];
}

export function createAnnouncementSpeech(ctx: HubContext, deps: SpeechDeps): AnnouncementSpeech {
  const { engine, store } = deps;
  const deadlineFor = (content: SpeechContent) =>
    content.kind === 'emergency'
      ? (deps.emergencyDeadlineMs ?? EMERGENCY_SPEECH_DEADLINE_MS)
      : (deps.deadlineMs ?? SPEECH_DEADLINE_MS);
  const { seconds, failures } = speechMetrics(ctx);
  /** Clips being made, so the same text asked for twice at once is synthesised once. */
  const making = new Map<string, Promise<Clip>>();

  const keyOf = (text: string, language: SpeechLanguage) =>
    createHash('sha256').update(`${language}\n${text}`).digest('hex').slice(0, 40);
  const keyOfContent = (content: SpeechContent, readings: readonly SpeechReading[], language: SpeechLanguage) =>
    languagesOf(content).includes(language) ? keyOf(speechText(content, readings, language), language) : null;
  const clips = createSpokenClips(store, (s: Spoken, language) => keyOfContent(s.content, s.readings, language));

  async function make(text: string, language: SpeechLanguage, key: string): Promise<Clip> {
    const stop = seconds.startTimer({ language });
    const clip = await engine.synthesize(text, language);
    stop();
    // In the database, so every hub serves it; kept here, where it is asked for first.
    await store.addClip(key, language, clip.ogg, ctx.clock.now());
    clips.keep(key, clip.ogg);
    return clip;
  }

  /** The same text being made already shares that work (checked after any wait, before the next). */
  function makeOnce(text: string, language: SpeechLanguage, key: string): Promise<Clip> {
    let p = making.get(key);
    if (!p) {
      p = make(text, language, key).finally(() => making.delete(key));
      making.set(key, p);
    }
    return p;
  }

  async function ensure(text: string, language: SpeechLanguage): Promise<unknown> {
    const key = keyOf(text, language);
    if (making.has(key)) return making.get(key);
    if (clips.has(key) || (await store.hasClip(key))) return;
    // A voice clip is a nicety (terminals speak the text themselves): the first thing to go when
    // disk space runs low, so check-ins and receipts keep the room that is left.
    if (!ctx.storage.allowsNonEssential('voice clip')) {
      throw new StorageUnavailableError('disk_full', 'Disk space is low: no voice clip is made.');
    }
    return makeOnce(text, language, key);
  }

  const hasClip: AnnouncementSpeech['hasClip'] = async (content, readings, language) => {
    const key = keyOfContent(content, readings, language);
    return key !== null && (clips.has(key) || (await store.hasClip(key)));
  };

  return {
    languages: engine.languages,
    clipNow: clips.clipNow,
    clip: clips.clip,
    hasClip,
    readings: (id) => store.readings(id),
    async setReadings(id, readings, tx) {
      await store.setReadings(id, readings, tx);
      clips.forget(id);
    },
    forget: clips.forget,

    async prepare(content, readings) {
      const wanted = languagesOf(content);
      const work = Promise.all(
        wanted.map(async (language) => {
          try {
            await ensure(speechText(content, readings, language), language);
          } catch (err) {
            const storage = storageProblemOf(err) !== null;
            const reason = err instanceof SpeechUnavailableError ? 'unavailable' : storage ? 'storage' : 'error';
            failures.inc({ language, reason });
            // Storage problems are logged (summarised) by the storage guard; a skip already was.
            if (err instanceof StorageUnavailableError) return;
            if (storage) ctx.storage.reportFailure(err, 'voice clip');
            else
              ctx.log.error({ err, language }, 'speech synthesis failed: the announcement is sent with its text only');
          }
        }),
      );
      let timer: { cancel(): void } | undefined;
      const deadlineMs = deadlineFor(content);
      const late = new Promise<'late'>((resolve) => {
        timer = ctx.clock.setTimeout(() => resolve('late'), deadlineMs);
      });
      const outcome = await Promise.race([work.then(() => 'done' as const), late]);
      timer?.cancel();
      const made: SpeechLanguage[] = [];
      for (const language of wanted) if (await hasClip(content, readings, language)) made.push(language);
      if (outcome === 'late') {
        for (const language of wanted.filter((l) => !made.includes(l))) failures.inc({ language, reason: 'timeout' });
        // The clip is still being made: terminals that ask again later (each reading) get it.
        ctx.log.error({ deadlineMs }, 'speech synthesis too slow: the announcement is sent with its text first');
      }
      return made;
    },

    async prune(live, graceMs) {
      const wanted = new Set<string>(making.keys());
      for (const a of live)
        for (const content of a.pending ? [a.content, a.pending] : [a.content])
          for (const language of languagesOf(content))
            wanted.add(keyOf(speechText(content, a.readings, language), language));
      const before = ctx.clock.now() - graceMs;
      const all = await store.clipKeys();
      const old = all.filter((c) => !wanted.has(c.key) && c.madeAt < before).map((c) => c.key);
      const removed = await store.removeClips(old);
      for (const key of old) clips.drop(key);
      return { removed, kept: all.length - removed };
    },

    async preview(body) {
      const language = body.language ?? 'ja';
      const text = speechInput(
        { kind: body.kind, test: body.test ?? false, title: body.title, body: body.body },
        language,
        body.readings ?? [],
      );
      try {
        // Kept like a published clip: when city hall then sends these same words, the clip is
        // already there and the alert goes out without waiting for synthesis.
        const clip = await makeOnce(text, language, keyOf(text, language));
        return {
          language,
          pronunciation: clip.pronunciation,
          durationMs: clip.durationMs,
          bytes: clip.ogg.length,
          audioBase64: clip.ogg.toString('base64'),
        };
      } catch (err) {
        if (err instanceof SpeechUnavailableError)
          throw new AppError(
            503,
            'SPEECH_UNAVAILABLE',
            'This hub cannot speak this language (speech programs missing). Sent announcements are read by the terminals themselves.',
          );
        ctx.log.error({ err }, 'speech preview failed');
        throw new AppError(503, 'SPEECH_FAILED', 'The voice clip could not be made. Try again in a moment.');
      }
    },
  };
}
