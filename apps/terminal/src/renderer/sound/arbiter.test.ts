import { SoundArbiter, type SoundJob, type SoundLevel } from './arbiter';

/** A job that plays until `finish()` is called, recording what happened to it. */
function loggedJob(level: SoundLevel, name: string, log: string[], extra: Partial<SoundJob> = {}) {
  let finish: () => void = () => undefined;
  const j: SoundJob & { finish(): void } = {
    level,
    ...extra,
    play: (signal) =>
      new Promise<void>((resolve) => {
        log.push(`start ${name}`);
        finish = () => {
          log.push(`end ${name}`);
          resolve();
        };
        signal.addEventListener('abort', () => {
          log.push(`stop ${name}`);
          resolve();
        });
      }),
    finish: () => finish(),
  };
  return j;
}
const tick = () => new Promise((r) => setTimeout(r, 0));

/** A fresh arbiter with one log, and jobs that write to that log. */
function stage() {
  const log: string[] = [];
  return {
    log,
    arbiter: new SoundArbiter(),
    job: (level: SoundLevel, name: string, extra: Partial<SoundJob> = {}) => loggedJob(level, name, log, extra),
  };
}

describe('sound arbiter', () => {
  it('a reminder during an emergency reading waits; the reading is never cut', async () => {
    const { log, arbiter, job } = stage();
    const emergency = job('city', 'emergency');
    const reminder = job('reminder', 'reminder');
    const done = arbiter.play(emergency);
    const later = arbiter.play(reminder);
    await tick();
    expect(arbiter.playing).toBe('city');
    expect(arbiter.waiting).toEqual(['reminder']);
    emergency.finish();
    await expect(done).resolves.toBe('played');
    await tick();
    reminder.finish();
    await expect(later).resolves.toBe('played');
    expect(log).toEqual(['start emergency', 'end emergency', 'start reminder', 'end reminder']);
  });

  it('a higher level interrupts a lower one, which plays again from the start afterwards', async () => {
    const { log, arbiter, job } = stage();
    const news = job('important', 'news');
    const national = job('national', 'j-alert');
    const newsDone = arbiter.play(news);
    await tick();
    const nationalDone = arbiter.play(national);
    await tick();
    expect(log).toEqual(['start news', 'stop news', 'start j-alert']);
    national.finish();
    await expect(nationalDone).resolves.toBe('played');
    await tick();
    news.finish();
    await expect(newsDone).resolves.toBe('played');
    expect(log.slice(3)).toEqual(['end j-alert', 'start news', 'end news']);
  });

  it('orders by level: national > city > call > important > reminder > ui', async () => {
    const { arbiter, job } = stage();
    const blocker = job('national', 'first');
    void arbiter.play(blocker);
    const jobs = (['reminder', 'important', 'city', 'national'] as const).map((l) => job(l, l));
    for (const j of jobs) void arbiter.play(j);
    await tick();
    expect(arbiter.waiting).toEqual(['national', 'city', 'important', 'reminder']);
    blocker.finish();
    for (const name of ['national', 'city', 'important', 'reminder']) {
      await tick();
      expect(arbiter.playing).toBe(name);
      jobs.find((j) => j.level === name)!.finish();
    }
    await tick();
    expect(arbiter.playing).toBeNull();
  });

  it('screen cues: a newer one replaces an older one; under anything more important they are dropped', async () => {
    const { log, arbiter, job } = stage();
    const first = arbiter.play(job('ui', 'home'));
    await tick();
    const second = job('ui', 'shops');
    const secondDone = arbiter.play(second);
    await expect(first).resolves.toBe('dropped');
    await tick();
    const emergency = job('city', 'emergency');
    void arbiter.play(emergency);
    await expect(secondDone).resolves.toBe('dropped');
    await expect(arbiter.play(job('ui', 'tap'))).resolves.toBe('dropped');
    expect(log).toEqual(['start home', 'stop home', 'start shops', 'stop shops', 'start emergency']);
  });

  it('a live call holds the channel: reminders wait, an emergency takes over and the hold comes back', async () => {
    const { arbiter, job } = stage();
    const release = arbiter.occupy('call', 'call');
    await tick();
    expect(arbiter.playing).toBe('call');
    const reminder = job('reminder', 'reminder');
    void arbiter.play(reminder);
    const emergency = job('national', 'emergency');
    void arbiter.play(emergency);
    await tick();
    expect(arbiter.playing).toBe('national');
    emergency.finish();
    await tick();
    expect(arbiter.playing).toBe('call');
    release();
    await tick();
    expect(arbiter.playing).toBe('reminder');
  });

  it('cancel stops a playing or queued job by key (an acknowledged emergency)', async () => {
    const { log, arbiter, job } = stage();
    const reading = arbiter.play(job('city', 'reading', { key: 'emergency:1' }));
    const again = arbiter.play(job('city', 'reminder', { key: 'emergency-reminder:1' }));
    await tick();
    arbiter.cancel('emergency-reminder:1');
    arbiter.cancel('emergency:1');
    await expect(reading).resolves.toBe('dropped');
    await expect(again).resolves.toBe('dropped');
    expect(arbiter.playing).toBeNull();
    // A job whose player fails still frees the channel.
    const failing = arbiter.play({ level: 'important', play: () => Promise.reject(new Error('no audio')) });
    await expect(failing).resolves.toBe('played');
    expect(log).toEqual(['start reading', 'stop reading']);
  });
});
