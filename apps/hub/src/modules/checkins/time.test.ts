import { dayAt, defaultPlan, planFromBody, windowFor } from './plan';
import { addDays, localDate, localMinutes, weekday, zonedInstant, zoneOffset } from './time';

describe('time zone arithmetic', () => {
  it('converts Tokyo wall times (UTC+9, no DST)', () => {
    expect(zonedInstant('2026-01-05', 10 * 60, 'Asia/Tokyo')).toBe(Date.UTC(2026, 0, 5, 1, 0));
    expect(zonedInstant('2026-01-05', 0, 'Asia/Tokyo')).toBe(Date.UTC(2026, 0, 4, 15, 0));
    expect(localDate(Date.UTC(2026, 0, 4, 15, 0), 'Asia/Tokyo')).toBe('2026-01-05');
    expect(localDate(Date.UTC(2026, 0, 4, 14, 59), 'Asia/Tokyo')).toBe('2026-01-04');
    expect(localMinutes(Date.UTC(2026, 0, 5, 1, 30), 'Asia/Tokyo')).toBe(10 * 60 + 30);
    expect(zoneOffset(Date.UTC(2026, 6, 1), 'Asia/Tokyo')).toBe(9 * 3_600_000);
  });

  it('handles DST: a missing wall time moves past the gap, a repeated one means the first', () => {
    // New York springs forward on 2026-03-08 at 02:00 (→ 03:00), falls back on 2026-11-01 at 02:00 (→ 01:00).
    expect(zonedInstant('2026-03-07', 10 * 60, 'America/New_York')).toBe(Date.UTC(2026, 2, 7, 15, 0)); // EST
    expect(zonedInstant('2026-03-08', 10 * 60, 'America/New_York')).toBe(Date.UTC(2026, 2, 8, 14, 0)); // EDT
    expect(zonedInstant('2026-03-08', 2 * 60 + 30, 'America/New_York')).toBe(Date.UTC(2026, 2, 8, 7, 30)); // 03:30 EDT
    expect(zonedInstant('2026-11-01', 60 + 30, 'America/New_York')).toBe(Date.UTC(2026, 10, 1, 5, 30)); // first 01:30 (EDT)
    // The local day of 2026-03-08 is 23 hours long.
    expect(zonedInstant('2026-03-09', 0, 'America/New_York') - zonedInstant('2026-03-08', 0, 'America/New_York')).toBe(
      23 * 3_600_000,
    );
  });

  it('adds days across months and years and knows weekdays', () => {
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(weekday('2026-01-05')).toBe(1); // Monday
    expect(weekday('2026-01-04')).toBe(0);
  });
});

describe('check-in day windows', () => {
  const tz = 'Asia/Tokyo';
  const jst = (d: number, h: number, m = 0) => Date.UTC(2026, 0, d, h - 9, m);

  it('default plan: the day opens at midnight, deadline 10:00', () => {
    const w = windowFor(defaultPlan(1), '2026-01-05', tz);
    expect(w).toEqual({
      day: '2026-01-05',
      scheduled: true,
      opensAt: jst(5, 0),
      deadline: jst(5, 10),
      closesAt: jst(6, 0),
    });
  });

  it('a deadline at or before the opening time falls on the next day (night-shift plan)', () => {
    const plan = planFromBody(
      1,
      {
        enabled: true,
        opensAt: '12:00',
        deadline: '00:30',
        days: [1, 2, 3, 4, 5],
        reminderMinutes: [60],
        graceMinutes: 30,
        ackTimeoutMinutes: 30,
        signsOfLife: ['checkin'],
        offlineAlertMinutes: 60,
      },
      0,
    );
    const w = windowFor(plan, '2026-01-05', tz);
    expect(w.opensAt).toBe(jst(5, 12));
    expect(w.deadline).toBe(jst(6, 0, 30));
    expect(w.closesAt).toBe(jst(6, 12));
    expect(dayAt(plan, jst(6, 0, 10), tz)).toBe('2026-01-05'); // after midnight: still Monday's check-in
    expect(dayAt(plan, jst(6, 11, 59), tz)).toBe('2026-01-05');
    expect(dayAt(plan, jst(6, 12), tz)).toBe('2026-01-06');
    expect(windowFor(plan, '2026-01-10', tz).scheduled).toBe(false); // Saturday
  });

  it('remembers answers for the same plan times, and only for those (the scheduler asks for every household)', () => {
    const plan = defaultPlan(1);
    const again = windowFor(defaultPlan(2), '2026-01-05', tz);
    expect(windowFor(plan, '2026-01-05', tz)).toBe(again);
    expect(() => {
      (again as { deadline: number }).deadline = 0;
    }).toThrow(TypeError);
    // Each of the plan's times, its days, whether it is on, the day and the zone make another answer.
    const variants = [
      windowFor({ ...plan, opensAt: 60 }, '2026-01-05', tz),
      windowFor({ ...plan, deadline: 11 * 60 }, '2026-01-05', tz),
      windowFor({ ...plan, days: 0b0111110 }, '2026-01-04', tz),
      windowFor({ ...plan, enabled: false }, '2026-01-05', tz),
      windowFor(plan, '2026-01-06', tz),
      windowFor(plan, '2026-01-05', 'UTC'),
    ];
    expect(variants.map((w) => [w.opensAt - again.opensAt, w.deadline - again.deadline, w.scheduled])).toEqual([
      [60 * 60_000, 0, true],
      [0, 60 * 60_000, true],
      [-86_400_000, -86_400_000, false],
      [0, 0, false],
      [86_400_000, 86_400_000, true],
      [9 * 3_600_000, 9 * 3_600_000, true],
    ]);
    expect(dayAt(plan, jst(5, 23, 59), tz)).toBe('2026-01-05');
    expect(dayAt({ ...plan, opensAt: 24 * 60 - 1 }, jst(5, 23, 58), tz)).toBe('2026-01-04');
  });

  it('refuses reminders that would fall before the window opens', () => {
    expect(() =>
      planFromBody(
        1,
        {
          enabled: true,
          opensAt: '08:00',
          deadline: '10:00',
          days: [1],
          reminderMinutes: [180],
          graceMinutes: 0,
          ackTimeoutMinutes: 30,
          signsOfLife: ['checkin'],
          offlineAlertMinutes: 60,
        },
        0,
      ),
    ).toThrow(/inside the check-in window/);
  });
});
