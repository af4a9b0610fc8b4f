import { FakeClock } from './clock';
import { REPEAT_WINDOW_MS, RepeatedLog } from './repeated-log';

function capture() {
  const lines: { level: string; obj: Record<string, unknown>; msg: string }[] = [];
  const at = (level: string) => (obj: object, msg: string) => lines.push({ level, obj: obj as never, msg });
  return { lines, log: { error: at('error'), warn: at('warn') } };
}

const refused = {
  level: 'error' as const,
  obj: { err: new Error('database or disk is full') },
  msg: 'checkin:submit refused (STORAGE_UNAVAILABLE): the disk is full',
  summary: (n: number, s: number) => `${n.toLocaleString('en-US')} checkin:submit refused in ${s} s: the disk is full`,
};

describe('RepeatedLog', () => {
  it('logs the first error in full and then one summary per window, not one line per error', () => {
    const clock = new FakeClock();
    const { lines, log } = capture();
    const repeated = new RepeatedLog(log, clock);
    for (let i = 0; i < 4308; i++) {
      repeated.report('storage checkin:submit disk_full', refused);
      if (i % 310 === 309) clock.advance(1_000); // 13 s in all
    }
    expect(lines).toHaveLength(1);
    expect(lines[0]!.msg).toBe(`${refused.msg} (repeats are counted and summarised)`);
    expect(lines[0]!.obj.err).toBe(refused.obj.err);

    clock.advance(2_000);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toEqual({
      level: 'error',
      obj: expect.objectContaining({ repeated: 4308, seconds: 15 }),
      msg: '4,308 checkin:submit refused in 15 s: the disk is full',
    });
  });

  it('keeps summarising while the errors go on, and logs in full again after a quiet window', () => {
    const clock = new FakeClock();
    const { lines, log } = capture();
    const repeated = new RepeatedLog(log, clock, 10_000);
    repeated.report('k', refused); // in full
    repeated.report('k', refused);
    clock.advance(10_000); // summary: 2 in 10 s
    repeated.report('k', refused);
    repeated.report('k', refused);
    repeated.report('k', refused);
    clock.advance(10_000); // summary: 3 (the window went on)
    clock.advance(10_000); // quiet: the window closes without a line
    repeated.report('k', refused); // in full again
    expect(lines.map((l) => l.msg)).toEqual([
      `${refused.msg} (repeats are counted and summarised)`,
      '2 checkin:submit refused in 10 s: the disk is full',
      '3 checkin:submit refused in 10 s: the disk is full',
      `${refused.msg} (repeats are counted and summarised)`,
    ]);
  });

  it('keeps different errors apart and bounds the number it tracks', () => {
    const clock = new FakeClock();
    const { lines, log } = capture();
    const repeated = new RepeatedLog(log, clock);
    for (let i = 0; i < 1000; i++)
      repeated.report(`unique ${i}`, { ...refused, msg: `error ${i}`, summary: (n) => `${n} × error ${i}` });
    // 200 logged in full, the other 800 counted under one key.
    expect(lines).toHaveLength(200);
    clock.advance(REPEAT_WINDOW_MS);
    expect(lines.at(-1)!.msg).toBe('800 errors of other kinds in 15 s');
  });

  it('flushes pending summaries (the hub is stopping)', () => {
    const clock = new FakeClock();
    const { lines, log } = capture();
    const repeated = new RepeatedLog(log, clock);
    repeated.report('k', refused);
    repeated.report('k', refused);
    clock.advance(3_000);
    repeated.flush();
    expect(lines.at(-1)!.msg).toBe('2 checkin:submit refused in 3 s: the disk is full');
    expect(clock.pendingTimers()).toBe(0);
  });
});
