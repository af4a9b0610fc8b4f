/**
 * The terminal's one sound channel. Everything that makes a sound or speaks goes through here with
 * a level; a higher level interrupts a lower one (which plays again from the start afterwards, or
 * is dropped if it was only a screen cue), and nothing can cut a higher one. So a check-in
 * reminder waits until the emergency has been read, instead of silencing it.
 */

/** Highest first: national emergency > city emergency > live call > important news > reminders > UI cues. */
export const SOUND_LEVELS = ['national', 'city', 'call', 'important', 'reminder', 'ui'] as const;
export type SoundLevel = (typeof SOUND_LEVELS)[number];

const rank = (level: SoundLevel) => SOUND_LEVELS.length - SOUND_LEVELS.indexOf(level);

export interface SoundJob {
  level: SoundLevel;
  /** Plays to the end, or stops promptly once `signal` aborts. */
  play(signal: AbortSignal): Promise<void>;
  /**
   * Interrupted by a higher level: 'replay' (queued again, from the start) or 'drop'. Default:
   * UI cues are dropped (a sentence about a screen is stale afterwards), everything else replays.
   */
  interrupted?: 'replay' | 'drop';
  /** A queued or playing job with the same key is replaced (and `cancel(key)` stops it). */
  key?: string;
}

export type SoundOutcome = 'played' | 'dropped';

interface Entry {
  job: SoundJob;
  seq: number;
  resolve(outcome: SoundOutcome): void;
  controller?: AbortController;
}

export class SoundArbiter {
  private queue: Entry[] = [];
  private current: Entry | null = null;
  private seq = 0;
  private listeners = new Set<(level: SoundLevel | null) => void>();

  /** Plays `job` when its turn comes; resolves once it has played (or was dropped). */
  play(job: SoundJob): Promise<SoundOutcome> {
    return new Promise((resolve) => {
      if (job.key !== undefined) this.cancel(job.key);
      const entry: Entry = { job, seq: this.seq++, resolve };
      const playing = this.current;
      if (playing && rank(job.level) <= rank(playing.job.level)) {
        // Same or lower level: a newer screen cue replaces an older one; anything else waits,
        // except a screen cue under something more important, which would be stale by then.
        if (job.level === 'ui' && playing.job.level === 'ui') this.stop(playing, 'drop');
        else if (job.level === 'ui') return resolve('dropped');
        else {
          this.queue.push(entry);
          return;
        }
      } else if (playing) {
        this.stop(playing, playing.job.interrupted ?? (playing.job.level === 'ui' ? 'drop' : 'replay'));
      }
      this.queue.push(entry);
      this.next();
    });
  }

  /**
   * Holds the channel at `level` until the returned function is called (a live call: reminders
   * and screen cues wait, an emergency interrupts and the call's hold is re-taken afterwards).
   */
  occupy(level: SoundLevel, key: string): () => void {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    void this.play({
      level,
      key,
      interrupted: 'replay',
      play: (signal) =>
        new Promise<void>((resolve) => {
          void held.then(resolve);
          signal.addEventListener('abort', () => resolve(), { once: true });
        }),
    });
    return () => {
      release();
      this.cancel(key);
    };
  }

  /** Stops and forgets the job with this key, playing or queued. */
  cancel(key: string): void {
    for (const entry of this.queue.filter((e) => e.job.key === key)) {
      this.queue.splice(this.queue.indexOf(entry), 1);
      entry.resolve('dropped');
    }
    if (this.current?.job.key === key) {
      this.stop(this.current, 'drop');
      this.next();
    }
  }

  /** The level playing now, or null when quiet. */
  get playing(): SoundLevel | null {
    return this.current?.job.level ?? null;
  }

  /** Levels waiting their turn, highest first. */
  get waiting(): SoundLevel[] {
    return this.ordered().map((e) => e.job.level);
  }

  subscribe(listener: (level: SoundLevel | null) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  private ordered(): Entry[] {
    return [...this.queue].sort((a, b) => rank(b.job.level) - rank(a.job.level) || a.seq - b.seq);
  }

  private stop(entry: Entry, then: 'replay' | 'drop'): void {
    entry.controller?.abort();
    entry.controller = undefined;
    if (this.current === entry) this.current = null;
    if (then === 'drop') entry.resolve('dropped');
    // Played again from the start, ahead of later jobs of its level.
    else this.queue.push({ ...entry, seq: entry.seq });
  }

  private next(): void {
    if (this.current) return;
    const entry = this.ordered()[0];
    if (!entry) {
      this.emit();
      return;
    }
    this.queue.splice(this.queue.indexOf(entry), 1);
    const controller = new AbortController();
    entry.controller = controller;
    this.current = entry;
    this.emit();
    const finish = () => {
      if (this.current !== entry || controller.signal.aborted) return;
      this.current = null;
      entry.resolve('played');
      this.next();
    };
    entry.job.play(controller.signal).then(finish, finish);
  }

  private emit(): void {
    const level = this.playing;
    for (const l of this.listeners) l(level);
  }
}
