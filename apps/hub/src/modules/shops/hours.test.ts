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
  it('treats 24:00 as the end of the day', () => {
    expect(isOpen([{ day: 1, open: '00:00', close: '24:00' }], at('2026-01-05T14:59:00Z'), 'Asia/Tokyo')).toBe(true); // 23:59
  });
});
