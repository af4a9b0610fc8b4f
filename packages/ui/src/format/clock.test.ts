import { formatClock, formatWithIntl, msUntilNextMinute, TERMINAL_TIME_ZONE } from './clock';

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

  it('writes Japan time as Intl does, without Intl: every minute of a day, every day of a leap year', () => {
    const instants: Date[] = [];
    const start = Date.UTC(2028, 0, 1, -9); // midnight, 1 January 2028, Japan time
    for (let m = 0; m < 24 * 60; m++) instants.push(new Date(start + m * 60_000));
    for (let d = 0; d < 367; d++) instants.push(new Date(start + d * 86_400_000 + (d % 24) * 3_600_000 + 7 * 60_000));
    for (const language of ['ja', 'en'] as const)
      for (const at of instants)
        expect([at.toISOString(), formatClock(at, language)]).toEqual([
          at.toISOString(),
          formatWithIntl(at, language, TERMINAL_TIME_ZONE),
        ]);
  });

  it('midnight and noon: 午前0時 and 午後0時, 12 AM and 12 PM', () => {
    expect(formatClock(new Date('2026-11-25T15:00:00Z'), 'ja').time).toBe('午前0:00');
    expect(formatClock(new Date('2026-11-25T03:05:00Z'), 'ja').time).toBe('午後0:05');
    expect(formatClock(new Date('2026-11-25T15:00:00Z'), 'en').time).toBe('12:00 AM');
    expect(formatClock(new Date('2026-11-25T03:05:00Z'), 'en').time).toBe('12:05 PM');
  });

  it('another zone still goes through Intl', () => {
    expect(formatClock(new Date('2026-11-25T06:05:00Z'), 'en', 'UTC')).toEqual({
      date: 'Wednesday, November 25',
      time: '6:05 AM',
    });
  });
});

describe('msUntilNextMinute', () => {
  it('counts to the next whole minute', () => {
    expect(msUntilNextMinute(60_000 * 10)).toBe(60_000);
    expect(msUntilNextMinute(60_000 * 10 + 59_000)).toBe(1_000);
  });
});
