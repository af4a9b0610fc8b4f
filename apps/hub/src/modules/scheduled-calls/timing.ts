/** When a weekly planned call falls due: weekdays and a wall-clock time in the city's time zone. */
import { addDays, localDate, weekday, zonedInstant } from '../checkins/time';

export interface Weekly {
  /** Bit n set: weekday n (0 = Sunday). */
  weekdays: number;
  /** Minutes after local midnight. */
  minutes: number;
}

export const weekdayMask = (days: readonly number[]) => days.reduce((m, d) => m | (1 << d), 0);
export const weekdayList = (mask: number) => [0, 1, 2, 3, 4, 5, 6].filter((d) => (mask & (1 << d)) !== 0);

/** The latest time the call fell due at or before `t`; null when none in the past week. */
export function latestDue(s: Weekly, t: number, timeZone: string): number | null {
  const today = localDate(t, timeZone);
  for (let i = 0; i <= 7; i++) {
    const day = addDays(today, -i);
    if ((s.weekdays & (1 << weekday(day))) === 0) continue;
    const at = zonedInstant(day, s.minutes, timeZone);
    if (at <= t) return at;
  }
  return null;
}

/** The next time the call falls due after `t`. */
export function nextDue(s: Weekly, t: number, timeZone: string): number | null {
  const today = localDate(t, timeZone);
  for (let i = 0; i <= 8; i++) {
    const day = addDays(today, i);
    if ((s.weekdays & (1 << weekday(day))) === 0) continue;
    const at = zonedInstant(day, s.minutes, timeZone);
    if (at > t) return at;
  }
  return null;
}
