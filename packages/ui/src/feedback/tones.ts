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

/**
 * What each sound means: chime = new screen or news; alarm = emergency only; eew = an Earthquake
 * Early Warning (a rising two-note call, twice, unlike anything else the terminal plays).
 */
export const TONES: Record<ToneKind, readonly ToneNote[]> = {
  chime: [
    { frequency: 784, start: 0, duration: 0.35, wave: 'sine' },
    { frequency: 1047, start: 0.3, duration: 0.5, wave: 'sine' },
  ],
  alarm: [0, 1, 2, 3, 4, 5].map((i) => ({
    frequency: i % 2 === 0 ? 880 : 660,
    start: i * 0.3,
    duration: 0.28,
    wave: 'square' as const,
  })),
  eew: [0, 1].flatMap((round) =>
    [1047, 1319, 1047, 1319, 1568].map((frequency, i) => ({
      frequency,
      start: round * 0.98 + i * 0.16,
      duration: i === 4 ? 0.3 : 0.14,
      wave: 'triangle' as const,
    })),
  ),
  success: [
    { frequency: 523, start: 0, duration: 0.18, wave: 'triangle' },
    { frequency: 659, start: 0.16, duration: 0.18, wave: 'triangle' },
    { frequency: 784, start: 0.32, duration: 0.4, wave: 'triangle' },
  ],
  error: [
    { frequency: 330, start: 0, duration: 0.3, wave: 'sawtooth' },
    { frequency: 247, start: 0.3, duration: 0.5, wave: 'sawtooth' },
  ],
  disconnected: [
    { frequency: 587, start: 0, duration: 0.4, wave: 'sine' },
    { frequency: 440, start: 0.4, duration: 0.4, wave: 'sine' },
    { frequency: 294, start: 0.8, duration: 0.6, wave: 'sine' },
  ],
  reconnected: [
    { frequency: 294, start: 0, duration: 0.25, wave: 'sine' },
    { frequency: 440, start: 0.22, duration: 0.25, wave: 'sine' },
    { frequency: 587, start: 0.44, duration: 0.45, wave: 'sine' },
  ],
  tap: [{ frequency: 1200, start: 0, duration: 0.06, wave: 'sine' }],
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
