/**
 * Short synthesised sounds, one per kind of state change, so a resident who cannot read the
 * screen from across the room still knows what happened. Generated with WebAudio: no audio files.
 */
export type ToneKind = 'chime' | 'alarm' | 'eew' | 'success' | 'error' | 'disconnected' | 'reconnected' | 'tap';

export interface ToneNote {
  /** Hz */
  frequency: number;
  /** seconds from the start of the tone */
  start: number;
  /** seconds */
  duration: number;
  wave: OscillatorType;
}

/** A melody on one waveform: a note every `step` seconds, each `length` long but the last, which is `last` long. */
const melody = (
  wave: OscillatorType,
  frequencies: readonly number[],
  { step, length, last = length }: { step: number; length: number; last?: number },
): ToneNote[] =>
  frequencies.map((frequency, i) => ({
    frequency,
    start: i * step,
    duration: i === frequencies.length - 1 ? last : length,
    wave,
  }));

/**
 * What each sound means: chime = new screen or news; alarm = emergency only; eew = an Earthquake
 * Early Warning (a rising two-note call, twice, unlike anything else the terminal plays).
 */
export const TONES: Record<ToneKind, readonly ToneNote[]> = {
  chime: melody('sine', [784, 1047], { step: 0.3, length: 0.35, last: 0.5 }),
  alarm: melody('square', [880, 660, 880, 660, 880, 660], { step: 0.3, length: 0.28 }),
  eew: [0, 0.98].flatMap((round) =>
    melody('triangle', [1047, 1319, 1047, 1319, 1568], { step: 0.16, length: 0.14, last: 0.3 }).map((note) => ({
      ...note,
      start: round + note.start,
    })),
  ),
  success: melody('triangle', [523, 659, 784], { step: 0.16, length: 0.18, last: 0.4 }),
  error: melody('sawtooth', [330, 247], { step: 0.3, length: 0.3, last: 0.5 }),
  disconnected: melody('sine', [587, 440, 294], { step: 0.4, length: 0.4, last: 0.6 }),
  reconnected: melody('sine', [294, 440, 587], { step: 0.22, length: 0.25, last: 0.45 }),
  tap: melody('sine', [1200], { step: 0, length: 0.06 }),
};

/** A comparable fingerprint of a tone, used to prove every kind sounds different. */
export function toneSignature(kind: ToneKind): string {
  return TONES[kind].map((n) => `${n.wave}:${n.frequency}@${n.start}`).join(',');
}

let context: AudioContext | null = null;

function audio(): AudioContext | null {
  if (context) return context;
  const Ctor = typeof window !== 'undefined' ? window.AudioContext : undefined;
  if (!Ctor) return null;
  context = new Ctor();
  return context;
}

/** Plays a tone; silently does nothing where WebAudio is missing (sound is a help, not a dependency). */
export function playTone(kind: ToneKind, volume = 0.25): void {
  const ctx = audio();
  if (!ctx) return;
  if (ctx.state === 'suspended') void ctx.resume().catch(() => undefined);
  const t0 = ctx.currentTime + 0.02;
  for (const note of TONES[kind]) {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = note.wave;
    osc.frequency.value = note.frequency;
    // Short attack and release: no clicks, which hearing aids exaggerate.
    gain.gain.setValueAtTime(0, t0 + note.start);
    gain.gain.linearRampToValueAtTime(volume, t0 + note.start + 0.02);
    gain.gain.setValueAtTime(volume, t0 + note.start + note.duration - 0.04);
    gain.gain.linearRampToValueAtTime(0, t0 + note.start + note.duration);
    osc.connect(gain).connect(ctx.destination);
    osc.start(t0 + note.start);
    osc.stop(t0 + note.start + note.duration + 0.01);
  }
}
