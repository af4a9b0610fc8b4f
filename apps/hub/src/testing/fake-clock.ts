/** Test hubs on a fake clock, and the Tokyo wall times they are set to. */
import type { BuildOptions } from '../app';
import { FakeClock } from '../lib/clock';
import { createTestHub, type TestHub } from './harness';
import { fixture } from './lifetime';

/** A Tokyo wall time in January 2026 (the 5th is a Monday), for hubs on a fake clock. */
export const jst = (day: number, h: number, m = 0, s = 0, ms = 0): number => Date.UTC(2026, 0, day, h - 9, m, s, ms);
export const MINUTE = 60_000;

/** A test hub on a fake clock set at `start` (late November 2026 unless said). */
export async function fakeClockHub(
  start = Date.UTC(2026, 10, 25, 1, 0, 0),
  options: BuildOptions = {},
): Promise<{ hub: TestHub; clock: FakeClock }> {
  const clock = new FakeClock(start);
  return { hub: await createTestHub({ ...options, clock }), clock };
}

/**
 * A fresh `fakeClockHub` for each test of the enclosing `describe`, closed after it; `use` hands
 * it to the test file's own variables: `eachFakeClockHub((made) => ({ hub, clock } = made))`.
 * `options` may be a function, read when each hub is made (e.g. with servers started in `beforeAll`).
 * An `afterEach` declared before this call runs before the hub closes.
 */
export function eachFakeClockHub(
  use: (made: { hub: TestHub; clock: FakeClock }) => unknown,
  start?: number,
  options?: BuildOptions | (() => BuildOptions),
): void {
  const made = () => fakeClockHub(start, typeof options === 'function' ? options() : options);
  fixture('each', made, ({ hub }) => hub.close(), use);
}
