/**
 * The hub's voice, measured in the bench's own process with the hub's engine: time to make the
 * clip of a 200-character Japanese alert (Open JTalk + Mei, then Opus), its size and length, next
 * to the device's own engine (espeak-ng) speaking the same text to a WAV file.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createSpeechEngine, findSpeechTools, openJtalkArgs, wavDurationMs } from '@tsunagu/hub/lib/speech/engine';
import { speechInput } from '@tsunagu/hub/lib/speech/text';
import { alert200 } from '../sim/speech';
import { type LatencySummary, summarise } from '../sim/stats';

export interface SynthesisResult {
  characters: number;
  runs: number;
  synthesis: LatencySummary;
  clipBytes: number;
  clipDurationMs: number;
  /** The same text to 16-bit WAV by espeak-ng (what a terminal's own engine does), for comparison. */
  espeak: { ms: LatencySummary; wavBytes: number } | null;
  /** The Open JTalk WAV before encoding (16 kHz, what the clip would be without Opus). */
  openJtalkWavBytes: number;
  missing: string[];
  /** Runs that failed (e.g. past the engine's time limit), with how long they took. */
  failed: string[];
}

export async function measureSynthesis(runs = 5): Promise<SynthesisResult> {
  const alert = alert200('bench');
  const characters = alert.titleJa.length + alert.bodyJa.length;
  const found = findSpeechTools();
  const engine = createSpeechEngine(found);
  const text = speechInput(
    { kind: alert.kind, test: alert.test ?? false, title: alert.titleJa, body: alert.bodyJa },
    'ja',
  );
  const times: number[] = [];
  const failed: string[] = [];
  let clipBytes = 0;
  let clipDurationMs = 0;
  const missing = found.missing.map((m) => m.what);
  if (engine.languages.ja) {
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      try {
        const clip = await engine.synthesize(text, 'ja');
        times.push(performance.now() - t0);
        clipBytes = clip.ogg.length;
        clipDurationMs = clip.durationMs;
      } catch (err) {
        // On a machine busy with other work a run can pass the engine's 30 s limit: count it, go on.
        failed.push(`${Math.round(performance.now() - t0)} ms: ${(err as Error).message.split('\n')[0]}`);
      }
    }
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsunagu-bench-speech-'));
  let espeak: SynthesisResult['espeak'] = null;
  let openJtalkWavBytes = 0;
  try {
    const input = path.join(dir, 'text.txt');
    fs.writeFileSync(input, text);
    if (!missing.includes('espeak-ng')) {
      const ms: number[] = [];
      const wav = path.join(dir, 'espeak.wav');
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        execFileSync(found.tools.espeak, ['-v', 'ja', '-w', wav, '-f', input]);
        ms.push(performance.now() - t0);
      }
      espeak = { ms: summarise(ms), wavBytes: fs.statSync(wav).size };
    }
    if (engine.languages.ja) {
      const wav = path.join(dir, 'ojt.wav');
      execFileSync(found.tools.openJtalk, [...openJtalkArgs(found.tools), '-ow', wav, input]);
      openJtalkWavBytes = fs.statSync(wav).size;
      clipDurationMs ||= wavDurationMs(fs.readFileSync(wav));
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return {
    characters,
    runs: times.length,
    synthesis: summarise(times),
    clipBytes,
    clipDurationMs,
    espeak,
    openJtalkWavBytes,
    missing,
    failed,
  };
}
