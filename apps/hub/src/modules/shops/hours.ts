/** Whether a shop is open at an instant, in the city's time zone (opening hours are local wall-clock times). */
import type { OpeningHours } from '@tsunagu/protocol';
import { zoneOffset } from '../checkins/time';

// The zone's offset is remembered per minute (checkins/time.ts). Asked for every call's view, Intl's
// formatter took about 3 % of the hub's busy time in the bench's call routing (issue 17).
function localParts(at: number, timeZone: string): { day: number; minutes: number } {
  const local = new Date(at + zoneOffset(at, timeZone));
  return { day: local.getUTCDay(), minutes: local.getUTCHours() * 60 + local.getUTCMinutes() };
}

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

export function isOpen(hours: OpeningHours, at: number, timeZone: string): boolean {
  const { day, minutes } = localParts(at, timeZone);
  return hours.some((h) => h.day === day && minutes >= toMinutes(h.open) && minutes < toMinutes(h.close));
}
