/**
 * What the clip's hot path keeps (speech/spoken.ts): one database read however many downloads ask at
 * once, then answered from memory; a change forgets it, and a read that a change overtook is not kept.
 */
import type { SpeechLanguage } from '@tsunagu/protocol';
import { createSpokenClips, KEPT_CLIPS } from './spoken';
import type { Spoken } from './store';

function fakeStore() {
  const said = new Map<number, string>([[1, 'first words']]);
  const clips = new Map<string, Buffer>();
  const reads = { spoken: 0, clip: 0 };
  let hold: Promise<void> | null = null;
  return {
    said,
    clips,
    reads,
    /** Reads wait until the returned function is called. */
    holdReads() {
      let release!: () => void;
      hold = new Promise((r) => (release = r));
      return () => {
        hold = null;
        release();
      };
    },
    async spoken(id: number): Promise<Spoken | undefined> {
      reads.spoken++;
      const text = said.get(id);
      await hold;
      return text === undefined
        ? undefined
        : {
            content: {
              kind: 'important',
              test: false,
              titleJa: text,
              bodyJa: text,
              titleEn: null,
              bodyEn: null,
              audioId: null,
            },
            readings: [],
          };
    },
    async clip(key: string) {
      reads.clip++;
      return clips.get(key);
    },
  };
}
const keyOf = (s: Spoken, language: SpeechLanguage) =>
  language === 'ja' ? `${s.content.titleJa}`.padEnd(40, '.') : null;

describe("the clip's kept answers", () => {
  it('reads once for many downloads at once, then answers from memory', async () => {
    const store = fakeStore();
    store.clips.set(keyOf((await store.spoken(1))!, 'ja')!, Buffer.from('OggS first'));
    store.reads.spoken = 0;
    const clips = createSpokenClips(store, keyOf);
    expect(clips.clipNow(1, 'ja')).toBeUndefined();
    const many = await Promise.all(Array.from({ length: 100 }, () => clips.clip(1, 'ja')));
    expect(new Set(many).size).toBe(1);
    expect(many[0]!.data.toString()).toBe('OggS first');
    expect(store.reads).toEqual({ spoken: 1, clip: 1 });
    expect(clips.clipNow(1, 'ja')).toBe(many[0]);
    // Not spoken in English, and no such announcement: nothing (an unknown one is asked again).
    expect(await clips.clip(1, 'en')).toBeNull();
    expect(await clips.clip(2, 'ja')).toBeNull();
    expect(await clips.clip(2, 'ja')).toBeNull();
    expect(store.reads.spoken).toBe(3);
  });

  it('forgets a changed announcement, and does not keep a read that the change overtook', async () => {
    const store = fakeStore();
    store.clips.set('first words'.padEnd(40, '.'), Buffer.from('OggS first'));
    store.clips.set('new words'.padEnd(40, '.'), Buffer.from('OggS new'));
    const clips = createSpokenClips(store, keyOf);
    expect((await clips.clip(1, 'ja'))!.data.toString()).toBe('OggS first');

    // A read starts, then the words change (on another hub) before it answers.
    clips.forget(1);
    const release = store.holdReads();
    const overtaken = clips.clip(1, 'ja');
    store.said.set(1, 'new words');
    clips.forget(1);
    release();
    expect((await overtaken)!.data.toString()).toBe('OggS first');
    // Not kept: the next download reads the new words.
    expect(clips.clipNow(1, 'ja')).toBeUndefined();
    expect((await clips.clip(1, 'ja'))!.data.toString()).toBe('OggS new');
    expect(clips.clipNow(1, 'ja')!.data.toString()).toBe('OggS new');
    clips.forget();
    expect(clips.clipNow(1, 'ja')).toBeUndefined();
  });

  it('keeps a clip made here without reading it back, and only the newest few', async () => {
    const store = fakeStore();
    const clips = createSpokenClips(store, keyOf);
    // Not made yet (an alert sent before its clip): asked again each time, until it is.
    expect(await clips.clip(1, 'ja')).toBeNull();
    clips.keep('first words'.padEnd(40, '.'), Buffer.from('OggS made here'));
    expect(clips.clipNow(1, 'ja')!.data.toString()).toBe('OggS made here');
    expect(store.reads.clip).toBe(1);
    for (let i = 0; i < KEPT_CLIPS; i++) clips.keep(String(i).padEnd(40, '.'), Buffer.from('x'));
    expect(clips.clipNow(1, 'ja')).toBeUndefined();
    clips.keep('0'.padEnd(40, '.'), Buffer.from('x'));
    clips.drop('0'.padEnd(40, '.'));
    expect(clips.has('0'.padEnd(40, '.'))).toBe(false);
  });
});
