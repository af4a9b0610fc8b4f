/**
 * The hub's voice for announcements: before an announcement (or new content of it) is sent, its
 * spoken script is made into an Ogg/Opus clip per language, so every terminal plays the same
 * intelligible voice, also offline. Clips are files named by a hash of what they say, so a clip can
 * be made before the announcement is stored, and an unchanged text is never synthesised twice.
 * A failure never holds an alert back: it is sent with its text (terminals fall back to their own
 * speech), and the failure is logged and counted in /metrics.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { SpeechLanguage, SpeechPreview, SpeechPreviewBody, SpeechReading } from '@tsunagu/protocol';
import { Counter, Histogram } from 'prom-client';
import type { HubContext } from '../../../context';
import { AppError } from '../../../lib/errors';
import { type Clip, type SpeechEngine, SpeechUnavailableError } from '../../../lib/speech/engine';
import { speechInput } from '../../../lib/speech/text';
import { StorageUnavailableError, storageProblemOf } from '../../../lib/storage-errors';
import type { ReadingsStore, Speakable, SpokenContent } from './store';

/** What is spoken of an announcement. */
export type SpeechContent = SpokenContent;

export interface AnnouncementSpeech extends ReadingsStore {
  readonly languages: Record<SpeechLanguage, boolean>;
  /**
   * Makes the clips of this content. Never throws and never waits past the deadline; resolves with
   * the languages that have a clip.
   */
  prepare(content: SpeechContent, readings: readonly SpeechReading[]): Promise<SpeechLanguage[]>;
  /**
   * The clip of announcement `id` as it stands (`stamp`: its version and readings, which change
   * whenever what it says does) in `language`, when it was made: its bytes, kept in
   * memory (the newest few), and its tag (the hash of what it says). Every terminal of the city asks
   * for the same clip within seconds of an alert: after the first, the answer costs a map lookup,
   * not the announcement's row, its readings and the hash of its script.
   */
  clip(
    id: number,
    stamp: string,
    language: SpeechLanguage,
    content: () => SpeechContent | undefined,
  ): ServedClip | null;
  /** The clip of this content in `language`, when it was made. */
  clipFile(
    content: SpeechContent,
    readings: readonly SpeechReading[],
    language: SpeechLanguage,
  ): { file: string; bytes: number } | null;
  /**
   * The clip the compose dialog plays before sending, with what the engine will say; kept, so
   * sending the same words right after needs no synthesis.
   */
  preview(body: SpeechPreviewBody): Promise<SpeechPreview>;
  /**
   * Deletes the clips nobody can ask for any more. Kept: the clip of what each of `live` says now
   * (and of its change awaiting approval), with its readings; any clip being made; any file younger
   * than `graceMs` (a preview city hall has not sent yet).
   */
  prune(live: readonly Speakable[], graceMs: number): { removed: number; kept: number };
}

/** A clip as served: its bytes and their tag (an HTTP ETag: the same words give the same bytes). */
export interface ServedClip {
  data: Buffer;
  etag: string;
}

export interface SpeechDeps {
  readings: ReadingsStore;
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
  const { engine } = deps;
  const dir = path.join(ctx.config.dataDir, 'announcement-speech');
  const deadlineFor = (content: SpeechContent) =>
    content.kind === 'emergency'
      ? (deps.emergencyDeadlineMs ?? EMERGENCY_SPEECH_DEADLINE_MS)
      : (deps.deadlineMs ?? SPEECH_DEADLINE_MS);
  const { seconds, failures } = speechMetrics(ctx);
  /** Clips being made, so the same text asked for twice at once is synthesised once. */
  const making = new Map<string, Promise<Clip>>();

  const keyOf = (text: string, language: SpeechLanguage) =>
    createHash('sha256').update(`${language}\n${text}`).digest('hex').slice(0, 40);
  const fileOf = (key: string) => path.join(dir, `${key}.ogg`);

  function keep(key: string, ogg: Buffer): void {
    fs.mkdirSync(dir, { recursive: true });
    // Written whole, then named: a terminal never fetches half a clip.
    fs.writeFileSync(`${fileOf(key)}.part`, ogg);
    fs.renameSync(`${fileOf(key)}.part`, fileOf(key));
  }

  async function make(text: string, language: SpeechLanguage, key: string): Promise<Clip> {
    const stop = seconds.startTimer({ language });
    const clip = await engine.synthesize(text, language);
    stop();
    keep(key, clip.ogg);
    return clip;
  }

  function ensure(text: string, language: SpeechLanguage): Promise<unknown> {
    const key = keyOf(text, language);
    if (fs.existsSync(fileOf(key))) return Promise.resolve();
    // A voice clip is a nicety (terminals speak the text themselves): the first thing to go when
    // disk space runs low, so check-ins and receipts keep the room that is left.
    if (!ctx.storage.allowsNonEssential('voice clip')) {
      return Promise.reject(new StorageUnavailableError('disk_full', 'Disk space is low: no voice clip is made.'));
    }
    let p = making.get(key);
    if (!p) {
      p = make(text, language, key).finally(() => making.delete(key));
      making.set(key, p);
    }
    return p;
  }

  const clipFile: AnnouncementSpeech['clipFile'] = (content, readings, language) => {
    if (!languagesOf(content).includes(language)) return null;
    const file = fileOf(keyOf(speechText(content, readings, language), language));
    try {
      return { file, bytes: fs.statSync(file).size };
    } catch {
      return null;
    }
  };

  /** The newest clips served, by key (Map order is insertion order: the first is the oldest). */
  const served = new Map<string, ServedClip>();
  const SERVED_CLIPS = 16;
  /** Which clip (key) announcement `id`, as it stands (`stamp`), says in a language: the newest few asked for. */
  const keyOfAnnouncement = new Map<string, string>();
  const KNOWN_ANNOUNCEMENTS = 256;

  function servedClip(key: string): ServedClip | null {
    let clip = served.get(key);
    if (!clip) {
      try {
        clip = { data: fs.readFileSync(fileOf(key)), etag: `"${key}"` };
      } catch {
        return null;
      }
      served.set(key, clip);
      if (served.size > SERVED_CLIPS) served.delete(served.keys().next().value!);
    }
    return clip;
  }

  return {
    languages: engine.languages,
    clip(id, stamp, language, contentOf) {
      const known = `${id}\n${language}\n${stamp}`;
      let key = keyOfAnnouncement.get(known);
      if (key === undefined) {
        const content = contentOf();
        if (!content || !languagesOf(content).includes(language)) return null;
        key = keyOf(speechText(content, deps.readings.readings(id), language), language);
        // Remembered only once there is a clip: an alert sent before its clip was made asks again.
        const clip = servedClip(key);
        if (!clip) return null;
        keyOfAnnouncement.set(known, key);
        if (keyOfAnnouncement.size > KNOWN_ANNOUNCEMENTS)
          keyOfAnnouncement.delete(keyOfAnnouncement.keys().next().value!);
        return clip;
      }
      return servedClip(key);
    },
    readings: (id) => deps.readings.readings(id),
    setReadings: (id, readings) => deps.readings.setReadings(id, readings),
    clipFile,

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
      const made = wanted.filter((language) => clipFile(content, readings, language) !== null);
      if (outcome === 'late') {
        for (const language of wanted.filter((l) => !made.includes(l))) failures.inc({ language, reason: 'timeout' });
        // The clip is still being made: terminals that ask again later (each reading) get it.
        ctx.log.error({ deadlineMs }, 'speech synthesis too slow: the announcement is sent with its text first');
      }
      return made;
    },

    prune(live, graceMs) {
      const wanted = new Set<string>(making.keys());
      for (const a of live) {
        const readings = deps.readings.readings(a.id);
        for (const content of a.pending ? [a.content, a.pending] : [a.content])
          for (const language of languagesOf(content))
            wanted.add(keyOf(speechText(content, readings, language), language));
      }
      let names: string[];
      try {
        names = fs.readdirSync(dir);
      } catch {
        return { removed: 0, kept: 0 };
      }
      let removed = 0;
      const before = ctx.clock.now() - graceMs;
      for (const name of names) {
        // `<key>.ogg`, or `<key>.ogg.part` left by a crash mid-write.
        if (wanted.has(name.split('.')[0]!)) continue;
        const file = path.join(dir, name);
        try {
          if (fs.statSync(file).mtimeMs >= before) continue;
          fs.unlinkSync(file);
          served.delete(name.split('.')[0]!);
          removed++;
        } catch {
          // Gone already, or not ours to remove: the next sweep looks again.
        }
      }
      return { removed, kept: names.length - removed };
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
        const key = keyOf(text, language);
        let p = making.get(key);
        if (!p) {
          p = make(text, language, key).finally(() => making.delete(key));
          making.set(key, p);
        }
        const clip = await p;
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
