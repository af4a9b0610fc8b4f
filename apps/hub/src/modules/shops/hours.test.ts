import { isOpen } from './hours';

const weekdays9to18 = [1, 2, 3, 4, 5].map((day) => ({ day, open: '09:00', close: '18:00' }));

describe('opening hours', () => {
  // 2026-01-05 is a Monday.
  const at = (iso: string) => Date.parse(iso);
  it('uses the city time zone, not UTC', () => {
    expect(isOpen(weekdays9to18, at('2026-01-05T00:30:00Z'), 'Asia/Tokyo')).toBe(true); // 09:30 JST
    expect(isOpen(weekdays9to18, at('2026-01-04T23:59:00Z'), 'Asia/Tokyo')).toBe(false); // 08:59 JST
    expect(isOpen(weekdays9to18, at('2026-01-05T00:30:00Z'), 'UTC')).toBe(false);
  });
  it('closes at the closing minute and on missing days', () => {
    expect(isOpen(weekdays9to18, at('2026-01-05T08:59:00Z'), 'Asia/Tokyo')).toBe(true); // 17:59
    expect(isOpen(weekdays9to18, at('2026-01-05T09:00:00Z'), 'Asia/Tokyo')).toBe(false); // 18:00
    expect(isOpen(weekdays9to18, at('2026-01-04T03:00:00Z'), 'Asia/Tokyo')).toBe(false); // Sunday noon
  });
  it('agrees with Intl in every zone, across the changes to and from summer time', () => {
    // Open from :37 to :58 of each hour, except every third hour, which moves with the weekday: an
    // offset wrong by a quarter, a half or a whole hour shows, and so does a wrong day.
    const opensAt = (day: number, hour: number) => (hour + day) % 3 !== 0;
    const everyMinute = [0, 1, 2, 3, 4, 5, 6].flatMap((day) =>
      Array.from({ length: 24 }, (_, h) => h)
        .filter((h) => opensAt(day, h))
        .map((h) => ({ day, open: `${String(h).padStart(2, '0')}:37`, close: `${String(h).padStart(2, '0')}:59` })),
    );
    const zones = ['Asia/Tokyo', 'Asia/Kathmandu', 'America/St_Johns', 'Europe/London', 'Australia/Lord_Howe', 'UTC'];
    const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
    const intl = new Map(
      zones.map((timeZone) => [
        timeZone,
        new Intl.DateTimeFormat('en-US', {
          timeZone,
          weekday: 'short',
          hour: '2-digit',
          minute: '2-digit',
          hourCycle: 'h23',
        }),
      ]),
    );
    const expected = (t: number, timeZone: string) => {
      const p = Object.fromEntries(
        intl
          .get(timeZone)!
          .formatToParts(new Date(t))
          .map((x) => [x.type, x.value]),
      );
      return opensAt(days.indexOf(p.weekday!), Number(p.hour)) && Number(p.minute) >= 37 && Number(p.minute) < 59;
    };
    // Around Europe's and North America's spring and autumn changes (and Lord Howe's half hour), every
    // 7 min 13 s for two days each; the zones interleaved at each instant.
    const starts = [
      '2026-03-07T12:00:00Z',
      '2026-03-28T12:00:00Z',
      '2026-10-03T12:00:00Z',
      '2026-10-24T12:00:00Z',
      '2026-11-01T00:00:00Z',
    ];
    let checked = 0;
    const wrong: string[] = [];
    for (const start of starts)
      for (let t = at(start); t < at(start) + 2 * 86_400_000; t += 433_000)
        for (const zone of zones) {
          if (isOpen(everyMinute, t, zone) !== expected(t, zone)) wrong.push(`${zone} ${new Date(t).toISOString()}`);
          checked++;
        }
    expect(wrong.slice(0, 5)).toEqual([]);
    expect(checked).toBeGreaterThan(10_000);
  });
  it('treats 24:00 as the end of the day', () => {
    expect(isOpen([{ day: 1, open: '00:00', close: '24:00' }], at('2026-01-05T14:59:00Z'), 'Asia/Tokyo')).toBe(true); // 23:59
  });
});
