import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FakeClock } from '../../../lib/clock';
import { createSpeechEngine, findSpeechTools, type SpeechEngine } from '../../../lib/speech/engine';
import { as, createTestHub, enrollTerminal, sessionFor, type TestHub } from '../../../testing/harness';
import { until } from '../../../testing/until';
import { CLIP_SWEEP_MS, FIRST_SWEEP_MS } from '.';
import { type AnnouncementSpeech, CLIP_GRACE_MS, createAnnouncementSpeech, type SpeechContent } from './service';
import { createSpeechStore } from './store';

describe("announcements' hub voice", () => {
  let hub: TestHub;
  let dataDir: string;
  const engine = createSpeechEngine(findSpeechTools());
  const speechWith = (e: SpeechEngine, deadlineMs?: number): AnnouncementSpeech =>
    createAnnouncementSpeech(hub.ctx, {
      store: createSpeechStore(hub.ctx.sql, hub.ctx.changes),
      engine: e,
      ...(deadlineMs ? { deadlineMs } : {}),
    });
  const cityhall = () => as(hub, sessionFor(hub, hub.fixture.users.cityhall));
  const content: SpeechContent = {
    kind: 'important',
    test: false,
    titleJa: '断水のお知らせ',
    bodyJa: '12/3 10:00から、大字上野で断水します。',
    titleEn: null,
    bodyEn: null,
    audioId: null,
  };
  const publish = async (payload: Record<string, unknown> = {}) => {
    const res = await cityhall()({
      method: 'POST',
      url: '/api/announcements',
      payload: {
        kind: content.kind,
        titleJa: content.titleJa,
        bodyJa: content.bodyJa,
        target: { type: 'households', householdIds: [hub.fixture.households[0]] },
        ...payload,
      },
    });
    expect(res.statusCode).toBe(201);
    return res.json() as { id: number; version: number };
  };
  /** The clips stored (in the database: every hub serves them). */
  const clips = async () =>
    (await hub.ctx.sql.all<{ key: string }>('SELECT key FROM announcement_speech_clips ORDER BY key')).map(
      (r) => r.key,
    );
  const failures = async () =>
    (await hub.ctx.metrics.registry.getSingleMetricAsString('tsunagu_speech_synthesis_failures_total'))
      .split('\n')
      .filter((l) => !l.startsWith('#') && l.trim() !== '');

  beforeEach(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'speech-'));
    hub = await createTestHub({
      clock: new FakeClock(Date.parse('2026-01-05T00:00:00Z')),
      // The real speech programs (scripts/test-deps.sh installs them).
      config: { dataDir, speechTools: {} },
    });
  });
  afterEach(async () => {
    await hub.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('makes the clip before sending, per language, served as audio/ogg to staff, API keys and targeted terminals only', async () => {
    const a = await publish({ titleEn: 'Water cut', bodyEn: 'No water on 3 December from 10:00.' });
    // Publishing resolved: both clips are there already.
    expect(await clips()).toHaveLength(2);
    const url = `/api/announcements/${a.id}/speech?lang=ja`;
    const staff = await cityhall()({ method: 'GET', url });
    expect(staff.statusCode).toBe(200);
    expect(staff.headers['content-type']).toBe('audio/ogg');
    expect(staff.rawPayload.subarray(0, 4).toString('latin1')).toBe('OggS');
    expect(staff.rawPayload.length).toBeLessThan(60_000);
    // Tagged, and checked again each time (the address stays when the words change): an unchanged
    // clip is answered without its bytes.
    expect(staff.headers['cache-control']).toBe('private, no-cache');
    const etag = staff.headers.etag as string;
    expect(etag).toMatch(/^"[0-9a-f]+"$/);
    const again = await cityhall()({ method: 'GET', url, headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    expect(again.rawPayload.length).toBe(0);
    expect((await cityhall()({ method: 'GET', url, headers: { 'if-none-match': '"other"' } })).rawPayload).toEqual(
      staff.rawPayload,
    );
    const { key } = await hub.services.accounts.createApiKey('alert-gateway', 'cityhall', null);
    expect((await as(hub, { bearer: key })({ method: 'GET', url })).statusCode).toBe(200);
    const english = await cityhall()({ method: 'GET', url: `/api/announcements/${a.id}/speech?lang=en` });
    expect(english.statusCode).toBe(200);
    expect(english.rawPayload.equals(staff.rawPayload)).toBe(false);

    const targeted = await enrollTerminal(hub, hub.fixture.households[0]!);
    const other = await enrollTerminal(hub, hub.fixture.households[1]!);
    expect((await as(hub, { bearer: targeted.credential })({ method: 'GET', url })).statusCode).toBe(200);
    // Another household's terminal is told the clip does not exist, like an unknown id.
    const refused = await as(hub, { bearer: other.credential })({ method: 'GET', url });
    expect(refused.statusCode).toBe(404);
    expect(refused.json().error.code).toBe('NOT_FOUND');
    const operator = as(hub, sessionFor(hub, hub.fixture.users.operator));
    expect((await operator({ method: 'GET', url })).statusCode).toBe(403);
    expect((await as(hub, null)({ method: 'GET', url })).statusCode).toBe(401);
    expect((await cityhall()({ method: 'GET', url: `/api/announcements/${a.id}/speech?lang=fr` })).statusCode).toBe(
      400,
    );
    expect((await cityhall()({ method: 'GET', url: '/api/announcements/99999/speech' })).statusCode).toBe(404);
  });

  it('new content gets its own clip before the update is sent; the same text is never made twice', async () => {
    const a = await publish();
    const before = await clips();
    expect(before).toHaveLength(1);
    const url = `/api/announcements/${a.id}/speech`;
    const first = await cityhall()({ method: 'GET', url });
    // New readings alone change what is said, and so the clip served (the hub remembers which clip
    // an announcement says, and must know it no longer does).
    const reread = await cityhall()({
      method: 'PATCH',
      url: `/api/announcements/${a.id}`,
      payload: { readings: [{ text: '上野', reading: 'うえの' }] },
    });
    expect(reread.statusCode).toBe(200);
    const withReading = await cityhall()({ method: 'GET', url });
    expect(withReading.statusCode).toBe(200);
    expect(withReading.headers.etag).not.toBe(first.headers.etag);
    expect(withReading.rawPayload.equals(first.rawPayload)).toBe(false);
    const res = await cityhall()({
      method: 'PATCH',
      url: `/api/announcements/${a.id}`,
      payload: { bodyJa: '断水は中止になりました。', readings: [{ text: '上野', reading: 'かみの' }] },
    });
    expect(res.statusCode).toBe(200);
    expect(await clips()).toHaveLength(3);
    const now = await cityhall()({ method: 'GET', url, headers: { 'if-none-match': first.headers.etag as string } });
    expect(now.statusCode).toBe(200);
    expect(now.headers.etag).not.toBe(withReading.headers.etag);
    expect(now.rawPayload.equals(withReading.rawPayload)).toBe(false);
    // A second announcement with the same words reuses the clip.
    await publish();
    expect(await clips()).toHaveLength(3);
  });

  it('never holds an announcement back: a failure or a slow engine is logged and counted, with no clip', async () => {
    const broken = createSpeechEngine(findSpeechTools({ openJtalk: '/bin/false' }));
    expect(await speechWith(broken).prepare(content, [])).toEqual([]);
    expect(await failures()).toEqual(['tsunagu_speech_synthesis_failures_total{language="ja",reason="error"} 1']);
    const missing = createSpeechEngine(findSpeechTools({ voice: '/nonexistent/mei.htsvoice' }));
    expect(await speechWith(missing).prepare(content, [])).toEqual([]);

    const stuck: SpeechEngine = { ...engine, synthesize: () => new Promise(() => undefined) };
    const waiting = speechWith(stuck, 5_000).prepare(content, []);
    (hub.clock as FakeClock).advance(5_000);
    expect(await waiting).toEqual([]);
    // An emergency waits one second at most (an earthquake early warning cannot wait for a voice).
    const urgent = speechWith(stuck, 5_000).prepare({ ...content, kind: 'emergency', bodyJa: '別の文' }, []);
    (hub.clock as FakeClock).advance(1_000);
    expect(await urgent).toEqual([]);
    expect(await failures()).toEqual([
      'tsunagu_speech_synthesis_failures_total{language="ja",reason="error"} 1',
      'tsunagu_speech_synthesis_failures_total{language="ja",reason="unavailable"} 1',
      'tsunagu_speech_synthesis_failures_total{language="ja",reason="timeout"} 2',
    ]);
    // A hub without speech still publishes at once: the terminal reads the text itself.
    const mute = await createTestHub({ config: { dataDir } });
    try {
      const res = await as(
        mute,
        sessionFor(mute, mute.fixture.users.cityhall),
      )({
        method: 'POST',
        url: '/api/announcements',
        payload: { kind: 'routine', titleJa: 'お知らせ', bodyJa: '本文', target: { type: 'all' } },
      });
      expect(res.json()).toMatchObject({ status: 'published' });
      const id = (res.json() as { id: number }).id;
      const clip = await as(
        mute,
        sessionFor(mute, mute.fixture.users.cityhall),
      )({
        method: 'GET',
        url: `/api/announcements/${id}/speech`,
      });
      expect(clip.statusCode).toBe(404);
    } finally {
      await mute.close();
    }
  });

  it("uses city hall's readings, and lets staff listen before sending", async () => {
    const a = await publish({ readings: [{ text: '上野', reading: 'かみの' }] });
    expect(await speechWith(engine).readings(a.id)).toEqual([{ text: '上野', reading: 'かみの' }]);

    const preview = await cityhall()({
      method: 'POST',
      url: '/api/announcements/speech-preview',
      payload: {
        kind: 'emergency',
        test: true,
        title: '避難指示',
        body: '大字上野の皆さんは直ちに避難してください。',
        readings: [{ text: '上野', reading: 'かみの' }],
      },
    });
    expect(preview.statusCode).toBe(200);
    const body = preview.json() as { pronunciation: string; durationMs: number; bytes: number; audioBase64: string };
    expect(body.pronunciation).toMatch(/^コレワクンレンデス.*ヒナンシジ.*オーアザカミノ/);
    expect(Buffer.from(body.audioBase64, 'base64').subarray(0, 4).toString('latin1')).toBe('OggS');
    expect(body.bytes).toBe(Buffer.from(body.audioBase64, 'base64').length);
    // Listening first warms the clip: sending the same words makes no new one.
    const made = (await clips()).length;
    await publish({
      kind: 'emergency',
      test: true,
      titleJa: '避難指示',
      bodyJa: '大字上野の皆さんは直ちに避難してください。',
      readings: [{ text: '上野', reading: 'かみの' }],
    });
    expect(await clips()).toHaveLength(made);

    const bad = await cityhall()({
      method: 'POST',
      url: '/api/announcements/speech-preview',
      payload: { kind: 'routine', title: 'x', body: 'y', readings: [{ text: '上野', reading: 'kamino' }] },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('VALIDATION_FAILED');
    const operator = as(hub, sessionFor(hub, hub.fixture.users.operator));
    const refused = await operator({
      method: 'POST',
      url: '/api/announcements/speech-preview',
      payload: { kind: 'routine', title: 'x', body: 'y' },
    });
    expect(refused.statusCode).toBe(403);
  });

  it('deletes the clips nobody can ask for any more, once they are a day old, and keeps every clip a terminal may fetch', async () => {
    const clock = hub.clock as FakeClock;
    const kept = await publish({ titleJa: '給水のお知らせ', bodyJa: '公民館で給水しています。' });
    const cancelled = await publish({ titleJa: '断水のお知らせ（取り消し）', bodyJa: '明日、断水します。' });
    expect((await cityhall()({ method: 'POST', url: `/api/announcements/${cancelled.id}/cancel` })).statusCode).toBe(
      200,
    );
    const preview = (title: string) =>
      cityhall()({
        method: 'POST',
        url: '/api/announcements/speech-preview',
        payload: { kind: 'routine', title, body: 'まだ送っていません。' },
      });
    expect((await preview('下書き（古い）')).statusCode).toBe(200);
    // All of these were made two days ago.
    const twoDaysAgo = clock.now() - 2 * CLIP_GRACE_MS;
    await hub.ctx.sql.run('UPDATE announcement_speech_clips SET made_at = ?', [twoDaysAgo]);
    // A preview made an hour ago: city hall may still send it.
    expect((await preview('下書き（新しい）')).statusCode).toBe(200);
    await hub.ctx.sql.run('UPDATE announcement_speech_clips SET made_at = ? WHERE made_at > ?', [
      clock.now() - 60 * 60 * 1000,
      twoDaysAgo,
    ]);
    expect(await clips()).toHaveLength(4);

    const live = await createSpeechStore(hub.ctx.sql, hub.ctx.changes).speakable(clock.now());
    expect(live.map((a) => a.id)).toEqual([kept.id]);
    // The hub's first sweep, soon after it started.
    clock.advance(FIRST_SWEEP_MS);
    await until(async () => (await clips()).length === 2);
    // The published one is still heard by its terminal; the cancelled one is no longer anyone's.
    const terminal = await enrollTerminal(hub, hub.fixture.households[0]!);
    const fetch = (id: number) =>
      as(hub, { bearer: terminal.credential })({ method: 'GET', url: `/api/announcements/${id}/speech` });
    expect((await fetch(kept.id)).statusCode).toBe(200);
    expect((await fetch(cancelled.id)).statusCode).toBe(404);

    // The hub sweeps by itself: once the fresh preview is a day old, it goes too.
    clock.advance(CLIP_SWEEP_MS + 24 * 60 * 60 * 1000);
    await until(async () => (await clips()).length === 1);
    expect((await fetch(kept.id)).statusCode).toBe(200);
  });
});
