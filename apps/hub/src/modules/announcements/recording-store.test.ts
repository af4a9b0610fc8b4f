/**
 * City hall's recordings on both engines: stored once per id, byte for byte (up to the 5 MB limit),
 * their type refused unless audio; the voice clips over them (audio.ts) refuse what is not audio,
 * answer every download at once with one database read, and move an older hub's files in.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MAX_AUDIO_BYTES } from '@tsunagu/protocol';
import type { Sql } from '../../db/sql';
import { FakeClock } from '../../lib/clock';
import { ENGINES, type EngineDb, engineSql, openEngine, refused } from '../../testing/engines';
import { createVoiceClips, KEPT_RECORDINGS } from './audio';
import { createRecordingsStore, type RecordingsStore } from './recording-store';

const wav = (fill: number, size = 64) =>
  Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WAVEfmt '), Buffer.alloc(size, fill)]);
const quiet = { warn: () => undefined, info: () => undefined };

describe.each(ENGINES)('announcement recordings on %s', (engine) => {
  let db: EngineDb;
  let sql: Sql;
  let store: RecordingsStore;
  const dirs: string[] = [];
  const dataDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsunagu-recordings-'));
    dirs.push(dir);
    return dir;
  };

  beforeAll(async () => {
    db = await openEngine(engine);
    sql = engineSql(db);
    store = createRecordingsStore(sql);
  });
  afterAll(async () => {
    await db.close();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('stores a recording once per id, byte for byte, and only as audio', async () => {
    const big = wav(9, MAX_AUDIO_BYTES - 16);
    const id = '1'.repeat(32);
    expect(await store.add(id, { mimeType: 'audio/wav', data: big }, 5)).toBe(true);
    // The same id again (another hub moving the same file in) changes nothing.
    expect(await store.add(id, { mimeType: 'audio/ogg', data: wav(1) }, 6)).toBe(false);
    expect(await store.mimeType(id)).toBe('audio/wav');
    const back = await store.get(id);
    expect(back?.mimeType).toBe('audio/wav');
    expect(back?.data.equals(big)).toBe(true);
    expect(await store.get('2'.repeat(32))).toBeUndefined();
    expect(await store.mimeType('2'.repeat(32))).toBeUndefined();
    await expect(store.add('3'.repeat(32), { mimeType: 'text/html', data: wav(1) }, 0)).rejects.toMatchObject(
      refused(/check/i),
    );
    await expect(store.add('short', { mimeType: 'audio/wav', data: wav(1) }, 0)).rejects.toMatchObject(
      refused(/check/i),
    );
  });

  it('keeps what it read: a thousand downloads at once read the database once', async () => {
    let reads = 0;
    const counting: RecordingsStore = {
      ...store,
      get: (id) => {
        reads++;
        return store.get(id);
      },
    };
    const clips = createVoiceClips(counting, { dataDir: dataDir(), clock: new FakeClock(0), log: quiet });
    await expect(clips.store(Buffer.from('#!/bin/sh\necho not audio'))).rejects.toMatchObject({
      code: 'AUDIO_TYPE_UNSUPPORTED',
    });
    const { audioId, mimeType, bytes } = await clips.store(wav(2));
    expect([mimeType, bytes]).toEqual(['audio/wav', wav(2).length]);
    expect(await clips.check(audioId)).toBe('audio/wav');
    await expect(clips.check('f'.repeat(32))).rejects.toMatchObject({ code: 'AUDIO_NOT_FOUND' });
    await expect(clips.check('../../etc/passwd')).rejects.toMatchObject({ code: 'AUDIO_NOT_FOUND' });
    const all = await Promise.all(Array.from({ length: 1000 }, () => clips.recording(audioId)));
    expect(all.every((r) => r?.data.equals(wav(2)))).toBe(true);
    expect(await clips.recording(audioId)).toBe(all[0]);
    expect(reads).toBe(1);
    expect(await clips.recording('f'.repeat(32))).toBeNull();
    expect(await clips.recording('../x')).toBeNull();
    // Only the newest are kept: the oldest is read again.
    for (let i = 0; i < KEPT_RECORDINGS; i++) await clips.recording((await clips.store(wav(10 + i))).audioId);
    reads = 0;
    await clips.recording(audioId);
    expect(reads).toBe(1);
  });

  it('moves the recordings an older hub kept as files into the database, once', async () => {
    const dir = dataDir();
    const folder = path.join(dir, 'announcement-audio');
    fs.mkdirSync(folder);
    const ids = ['4'.repeat(32), '5'.repeat(32)];
    fs.writeFileSync(path.join(folder, ids[0]!), wav(4));
    fs.writeFileSync(path.join(folder, ids[1]!), wav(5));
    const clips = createVoiceClips(store, { dataDir: dir, clock: new FakeClock(0), log: quiet });
    expect(await clips.importFiles()).toBe(2);
    expect(fs.existsSync(folder)).toBe(false);
    expect((await store.get(ids[0]!))?.data.equals(wav(4))).toBe(true);
    expect(await clips.check(ids[1]!)).toBe('audio/wav');
    // Nothing left to move: the next start does nothing; a file that is no recording stays.
    expect(await clips.importFiles()).toBe(0);
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(folder, '6'.repeat(32)), 'plain text');
    expect(await clips.importFiles()).toBe(0);
    expect(fs.readdirSync(folder)).toEqual(['6'.repeat(32)]);
  });
});
