/** Whether a shop is open at an instant, in the city's time zone (opening hours are local wall-clock times). */
import type { OpeningHours } from '@tsunagu/protocol';
import { zonedParts } from '../../lib/zoned-time';

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
function localParts(at: number, timeZone: string): { day: number; minutes: number } {
  const p = zonedParts(at, timeZone, { weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  return { day: WEEKDAYS.indexOf(p.weekday ?? ''), minutes: Number(p.hour) * 60 + Number(p.minute) };
}

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

export function isOpen(hours: OpeningHours, at: number, timeZone: string): boolean {
  const { day, minutes } = localParts(at, timeZone);
  return hours.some((h) => h.day === day && minutes >= toMinutes(h.open) && minutes < toMinutes(h.close));
}
