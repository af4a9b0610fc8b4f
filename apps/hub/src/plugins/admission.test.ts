/**
 * Admission control for terminal connections: the rate and burst it admits, the moment it gives
 * each refused terminal, and the hub telling a terminal HUB_BUSY with that moment (a real
 * socket.io-client against a test hub whose admission runs on a clock the test moves).
 */

import { createHistogram } from 'node:perf_hooks';
import { ErrorCodes } from '@tsunagu/protocol';
import { createTestHub, type TestHub } from '../testing/harness';
import { type AdmissionOptions, createAdmissionControl, latenessOf } from './admission';

const OPTIONS: AdmissionOptions = { perSecond: 10, burst: 4, maxLagMs: 100, maxRetryAfterMs: 10_000 };

function control(options: Partial<AdmissionOptions> = {}, lag = 0) {
  const clock = { now: 1_000_000, lag };
  const admission = createAdmissionControl(
    { ...OPTIONS, ...options },
    () => clock.now,
    () => clock.lag,
  );
  return { clock, admission };
}

describe('admission control', () => {
  it('admits a burst at once, then at the rate', () => {
    const { clock, admission } = control();
    for (let i = 0; i < 4; i++) expect(admission.admit()).toEqual({ admitted: true });
    expect(admission.admit().admitted).toBe(false);
    clock.now += 100; // one token at 10 a second
    expect(admission.admit()).toEqual({ admitted: true });
    expect(admission.admit().admitted).toBe(false);
    expect(admission.counts()).toEqual({ admitted: 5, refused: 2, held: 0 });
  });

  it('gives each refused terminal its own later moment, one slot apart at the rate', () => {
    const { admission } = control({ burst: 1 });
    admission.admit();
    const waits = Array.from({ length: 5 }, () => {
      const a = admission.admit();
      if (a.admitted) throw new Error('expected a refusal');
      return a.retryAfterMs;
    });
    // 10 a second: slots 100 ms apart, none sooner than 250 ms.
    expect(waits).toEqual([250, 250, 300, 400, 500]);
  });

  it('spreads the moments within the longest wait when the queue is longer than that', () => {
    const { admission } = control({ burst: 1, maxRetryAfterMs: 1000 });
    admission.admit();
    const waits: number[] = [];
    for (let i = 0; i < 30; i++) {
      const a = admission.admit();
      if (!a.admitted) waits.push(a.retryAfterMs);
    }
    expect(Math.max(...waits)).toBeLessThanOrEqual(1000);
    expect(new Set(waits).size).toBeGreaterThan(5);
  });

  it('in a rush, admits none while the event loop is late; one terminal alone is let in', () => {
    const late = control({}, 500);
    // Half the burst may come in whatever the delay (one terminal back while the hub is busy is not a storm)…
    expect(late.admission.admit()).toEqual({ admitted: true });
    expect(late.admission.admit()).toEqual({ admitted: true });
    // …then the delay counts.
    expect(late.admission.admit().admitted).toBe(false);
    late.clock.lag = 0;
    expect(late.admission.admit()).toEqual({ admitted: true });
  });
});

describe("the hub's own measure of a late event loop", () => {
  const ms = 1e6;
  it('one long turn (a major GC, a checkpoint) does not make the loop late; most turns late do', () => {
    const once = createHistogram();
    for (let i = 0; i < 24; i++) once.record(20 * ms);
    once.record(400 * ms);
    expect(latenessOf(once)).toBeLessThan(150);
    const behind = createHistogram();
    for (let i = 0; i < 5; i++) behind.record(20 * ms);
    for (let i = 0; i < 20; i++) behind.record(200 * ms);
    expect(latenessOf(behind)).toBeGreaterThan(150);
    expect(latenessOf(createHistogram())).toBe(0);
  });
});

describe('the line', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  /** A line on the fake timers' clock; each request records when (ms from the start) it was answered. */
  function line(options: Partial<AdmissionOptions> = {}, lag = { ms: 0 }) {
    const start = Date.now();
    const admission = createAdmissionControl(
      { ...OPTIONS, maxWaitMs: 1000, ...options },
      () => Date.now(),
      () => lag.ms,
    );
    const answers: { i: number; at: number; admitted: boolean; retryAfterMs?: number }[] = [];
    const ask = (i: number, waiting = () => true) =>
      admission.request((a) => answers.push({ i, at: Date.now() - start, ...a }), waiting);
    return { admission, answers, ask };
  }

  it('holds terminals beyond the burst and lets them in at the rate, in order', () => {
    const { admission, answers, ask } = line();
    for (let i = 0; i < 8; i++) ask(i);
    // The burst of 4 at once; the other 4 wait (10 a second: one every 100 ms).
    expect(answers.map((a) => a.i)).toEqual([0, 1, 2, 3]);
    jest.advanceTimersByTime(450);
    expect(answers.filter((a) => a.at > 0).map((a) => [a.i, a.admitted])).toEqual([
      [4, true],
      [5, true],
      [6, true],
      [7, true],
    ]);
    expect(answers.every((a) => a.admitted)).toBe(true);
    expect(admission.counts()).toEqual({ admitted: 8, refused: 0, held: 4 });
    admission.stop();
  });

  it('refuses once the line is longer than the hub serves in maxWaitMs, with a moment after the line', () => {
    const { admission, answers, ask } = line({ maxWaitMs: 500 });
    for (let i = 0; i < 4 + 5 + 2; i++) ask(i);
    // 4 in at once, 5 in line (500 ms at 10 a second), the last 2 refused…
    const refused = answers.filter((a) => !a.admitted);
    expect(refused.map((a) => a.i)).toEqual([9, 10]);
    // …told to come back after the line has been served, one slot apart.
    expect(refused.map((a) => a.retryAfterMs)).toEqual([600, 700]);
    jest.advanceTimersByTime(600);
    expect(answers.filter((a) => a.admitted)).toHaveLength(9);
    admission.stop();
  });

  it('a terminal that left takes no turn', () => {
    const { admission, answers, ask } = line({ burst: 1 });
    ask(0);
    ask(1, () => false);
    ask(2);
    jest.advanceTimersByTime(150);
    expect(answers.map((a) => [a.i, a.admitted])).toEqual([
      [0, true],
      [1, false],
      [2, true],
    ]);
    expect(admission.counts()).toMatchObject({ admitted: 2, refused: 0 });
    admission.stop();
  });

  it('does not move while the event loop is late in a rush', () => {
    const lag = { ms: 500 };
    const { admission, answers, ask } = line({}, lag);
    for (let i = 0; i < 6; i++) ask(i);
    // Half the burst whatever the delay, then nothing while it stays late…
    jest.advanceTimersByTime(1000);
    expect(answers.map((a) => a.i)).toEqual([0, 1]);
    // …and the rest once it is on time again.
    lag.ms = 0;
    jest.advanceTimersByTime(100);
    expect(answers.map((a) => a.i)).toEqual([0, 1, 2, 3, 4, 5]);
    admission.stop();
  });
});

describe('a busy hub', () => {
  let hub: TestHub;
  const clock = { now: 5_000_000 };
  beforeAll(async () => {
    hub = await createTestHub({
      admission: createAdmissionControl(
        { perSecond: 1, burst: 1, maxLagMs: 100, maxRetryAfterMs: 60_000 },
        () => clock.now,
        () => 0,
      ),
    });
  });
  afterAll(() => hub.close());

  it('refuses a terminal beyond the rate with HUB_BUSY and when to come back, and takes it then', async () => {
    const credentials = (await Promise.all([0, 1, 2].map((i) => hub.enrollTerminal(hub.fixture.households[i]!)))).map(
      (t) => t.credential,
    );
    await hub.connectTerminal(credentials[0]!);
    const refusal = (credential: string) =>
      hub.connectTerminal(credential).then(
        () => {
          throw new Error('expected HUB_BUSY');
        },
        (err: Error & { data?: { code: string; retryAfterMs?: number } }) => err.data,
      );
    const second = await refusal(credentials[1]!);
    const third = await refusal(credentials[2]!);
    expect(second).toEqual(expect.objectContaining({ code: ErrorCodes.HUB_BUSY, retryAfterMs: expect.any(Number) }));
    // One a second: the next refused terminal is given the next second.
    expect(third!.retryAfterMs! - second!.retryAfterMs!).toBe(1000);
    clock.now += second!.retryAfterMs!;
    const back = await hub.connectTerminal(credentials[1]!);
    expect(back.connected).toBe(true);
  });
});

describe('a hub with a line', () => {
  let hub: TestHub;
  let admission: ReturnType<typeof createAdmissionControl>;
  /** The admission's clock stands still until the test lets it run. */
  const clock = { frozen: true };
  beforeAll(async () => {
    const start = Date.now();
    admission = createAdmissionControl(
      { perSecond: 10, burst: 1, maxLagMs: 1000, maxRetryAfterMs: 60_000, maxWaitMs: 60_000 },
      () => (clock.frozen ? start : Date.now()),
      () => 0,
    );
    hub = await createTestHub({ admission });
  });
  afterAll(() => hub.close());

  it('keeps a terminal beyond the rate waiting on its open connection, then lets it in (no HUB_BUSY, no second handshake)', async () => {
    const credentials = (await Promise.all([0, 1, 2].map((i) => hub.enrollTerminal(hub.fixture.households[i]!)))).map(
      (t) => t.credential,
    );
    const connecting = credentials.map((c) => hub.connectTerminal(c));
    // While no time passes for the admission: one is let in, two wait in line…
    while (admission.counts().held < 2) await new Promise((r) => setTimeout(r, 20));
    expect(admission.counts()).toEqual({ admitted: 1, refused: 0, held: 2 });
    // …and come in at the rate, on the connections they opened.
    clock.frozen = false;
    const sockets = await Promise.all(connecting);
    expect(sockets.every((s) => s.connected)).toBe(true);
    expect(admission.counts()).toEqual({ admitted: 3, refused: 0, held: 2 });
    expect(hub.ctx.sockets.terminals.sockets.size).toBe(3);
  });
});
