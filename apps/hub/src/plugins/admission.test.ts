/**
 * Admission control for terminal connections: the rate and burst it admits, the moment it gives
 * each refused terminal, and the hub telling a terminal HUB_BUSY with that moment (a real
 * socket.io-client against a test hub whose admission runs on a clock the test moves).
 */
import { ErrorCodes } from '@tsunagu/protocol';
import { createTestHub, type TestHub } from '../testing/harness';
import { type AdmissionOptions, createAdmissionControl } from './admission';

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
    expect(admission.counts()).toEqual({ admitted: 5, refused: 2 });
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
    const credentials = [0, 1, 2].map((i) => hub.enrollTerminal(hub.fixture.households[i]!).credential);
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
