/** The EEW tone: stored with the announcement, sent to terminals, emergencies only, never held back by the hub's voice. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Announcement, TerminalAnnouncement } from '@tsunagu/protocol';
import { FakeClock } from '../../lib/clock';
import { createTestHub, nextEvent, type TestHub } from '../../testing/harness';
import { sleepingProgram } from '../../testing/processes';
import { until } from '../../testing/until';

/**
 * A folder with a speech engine that takes `seconds` to answer (a shell script that sleeps), and
 * whether any of the programs it started still runs.
 */
function slowEngine(prefix: string, seconds: number) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const slow = sleepingProgram(dir, seconds, 'slow-engine');
  return { dir, speechTools: { openJtalk: slow.file, espeak: slow.file }, running: slow.running };
}

/** City hall posts an announcement to the whole city: an EEW unless `payload` says otherwise. */
const post = (hub: TestHub, payload: Record<string, unknown>) =>
  hub.as(hub.sessionFor(hub.fixture.users.cityhall))({
    method: 'POST',
    url: '/api/announcements',
    payload: {
      titleJa: '緊急地震速報',
      bodyJa: '強い揺れに警戒',
      target: { type: 'all' },
      confirmWholeCity: true,
      ...payload,
    },
  });

describe("an announcement's tone", () => {
  let hub: TestHub;
  let clock: FakeClock;
  let engine: ReturnType<typeof slowEngine>;
  beforeAll(async () => {
    // A speech engine that never answers in time: only the hub's deadline (on the fake clock) ends the wait.
    engine = slowEngine('tone-', 5);
    clock = new FakeClock(Date.parse('2026-01-05T00:00:00Z'));
    hub = await createTestHub({ clock, config: { dataDir: engine.dir, speechTools: engine.speechTools } });
  });
  afterAll(async () => {
    await hub.close();
    // The hub stopped the clips it was still making: no program of its speech outlives it.
    await until(() => engine.running().length === 0, 2000);
    fs.rmSync(engine.dir, { recursive: true, force: true });
  });

  it('an EEW goes out at once with its tone while the voice clip is still being made; others wait for the clip', async () => {
    const terminal = await hub.terminal(0);
    try {
      let normalDone = false;
      const normal = post(hub, { kind: 'emergency', titleJa: '避難指示', bodyJa: '避難してください' }).then((r) => {
        normalDone = true;
        return r;
      });
      const published = nextEvent<TerminalAnnouncement>(terminal, 'announcement:published');
      const eew = await post(hub, { kind: 'emergency', tone: 'eew' });
      expect(eew.statusCode).toBe(201);
      expect(eew.json<Announcement>()).toMatchObject({ status: 'published', tone: 'eew' });
      expect(await published).toMatchObject({ titleJa: '緊急地震速報', tone: 'eew' });
      // The other emergency is still waiting for its clip.
      expect(normalDone).toBe(false);
      clock.advance(20_000);
      const done = await normal;
      expect(done.statusCode).toBe(201);
      expect(done.json<Announcement>().tone).toBeUndefined();
      // A terminal that connects later gets the tone too.
      const sync = hub.capabilities.announcements as { forHousehold(id: number): Promise<TerminalAnnouncement[]> };
      expect((await sync.forHousehold(hub.fixture.households[0]!)).map((a) => a.tone ?? null)).toEqual(['eew', null]);
    } finally {
      terminal.close();
    }
  });

  it('is for emergencies only', async () => {
    const res = await post(hub, { kind: 'important', tone: 'eew' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('TONE_NEEDS_EMERGENCY');
  });
});

describe('an EEW whose voice clip is still being made when the hub stops', () => {
  it('leaves no unhandled rejection behind (one would stop the hub)', async () => {
    const { dir, speechTools } = slowEngine('tone-stop-', 0.3);
    const hub = await createTestHub({ config: { dataDir: dir, speechTools } });
    const unhandled: unknown[] = [];
    const collect = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', collect);
    try {
      const res = await post(hub, { kind: 'emergency', tone: 'eew' });
      expect(res.statusCode).toBe(201);
      // The hub stops (its database closes) while the clip is still being made.
      await hub.close();
      await new Promise((r) => setTimeout(r, 1500));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', collect);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
