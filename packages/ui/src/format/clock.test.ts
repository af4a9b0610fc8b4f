import { formatClock, msUntilNextMinute } from './clock';

describe('formatClock', () => {
  const at = new Date('2026-11-25T06:05:00Z'); // 15:05 in Tokyo

  it('formats Japanese date and time in Japan time', () => {
    expect(formatClock(at, 'ja')).toEqual({ date: '11月25日(水)', time: '午後3:05' });
  });

  it('formats English date and time in Japan time', () => {
    expect(formatClock(at, 'en')).toEqual({ date: 'Wednesday, November 25', time: '3:05 PM' });
  });

  it('uses Japan time even across the UTC date line', () => {
    expect(formatClock(new Date('2026-11-25T16:30:00Z'), 'ja')).toEqual({ date: '11月26日(木)', time: '午前1:30' });
  });
});

describe('msUntilNextMinute', () => {
  it('counts to the next whole minute', () => {
    expect(msUntilNextMinute(60_000 * 10)).toBe(60_000);
    expect(msUntilNextMinute(60_000 * 10 + 59_000)).toBe(1_000);
  });
});
