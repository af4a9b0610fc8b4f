/**
 * Local dates and wall-clock times in a configured IANA time zone, computed with Intl only.
 * Correct across DST changes: a wall time that does not exist (spring forward) moves past the gap;
 * a wall time that occurs twice (fall back) means its first occurrence.
 */
import { DATE_TIME_PARTS, zonedParts } from '../../lib/zoned-time';

export interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function intlParts(t: number, timeZone: string): LocalParts {
  const p = zonedParts(t, timeZone, DATE_TIME_PARTS);
  const n = (part: string) => Number(p[part]);
  return {
    year: n('year'),
    month: n('month'),
    day: n('day'),
    hour: n('hour') % 24,
    minute: n('minute'),
    second: n('second'),
  };
}

export function localParts(t: number, timeZone: string): LocalParts {
  if (t < 0) return intlParts(t, timeZone);
  const d = new Date(t + zoneOffset(t, timeZone));
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
  };
}

// Intl formatting is slow and this runs for every check-in's status and for every household on
// each scheduler tick (the bench measured it as the hub's largest cost under load). Since 1970 zone
// offsets change only on whole minutes, so the offset is remembered per minute.
const offsets = new Map<string, Map<number, number>>();
const MAX_CACHED_MINUTES = 50_000;

/** Offset of local time from UTC at instant `t`, in ms (Tokyo: +9 h). */
export function zoneOffset(t: number, timeZone: string): number {
  if (t < 0) {
    const p = intlParts(t, timeZone);
    const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
    return asUtc - (t - (((t % 1000) + 1000) % 1000));
  }
  const minute = Math.floor(t / 60_000);
  let cache = offsets.get(timeZone);
  if (!cache) {
    cache = new Map();
    offsets.set(timeZone, cache);
  }
  const known = cache.get(minute);
  if (known !== undefined) return known;
  const start = minute * 60_000;
  const p = intlParts(start, timeZone);
  const offset = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - start;
  if (cache.size >= MAX_CACHED_MINUTES) cache.clear();
  cache.set(minute, offset);
  return offset;
}

/** "YYYY-MM-DD" of instant `t` in the zone. */
export function localDate(t: number, timeZone: string): string {
  const p = localParts(t, timeZone);
  return formatDate(p.year, p.month, p.day);
}

/** Minutes after local midnight of instant `t`. */
export function localMinutes(t: number, timeZone: string): number {
  const p = localParts(t, timeZone);
  return p.hour * 60 + p.minute;
}

function formatDate(y: number, m: number, d: number): string {
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

function parseDate(date: string): [number, number, number] {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return [y, m, d];
}

export function addDays(date: string, n: number): string {
  const [y, m, d] = parseDate(date);
  const u = new Date(Date.UTC(y, m - 1, d + n));
  return formatDate(u.getUTCFullYear(), u.getUTCMonth() + 1, u.getUTCDate());
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(date: string): number {
  const [y, m, d] = parseDate(date);
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

/** The instant at which the zone's wall clock shows `minutes` after midnight on `date`. */
export function zonedInstant(date: string, minutes: number, timeZone: string): number {
  const [y, m, d] = parseDate(date);
  const wall = Date.UTC(y, m - 1, d, Math.floor(minutes / 60), minutes % 60);
  const candidates = new Set([-86_400_000, 0, 86_400_000].map((delta) => zoneOffset(wall + delta, timeZone)));
  const valid: number[] = [];
  const all: number[] = [];
  for (const offset of candidates) {
    const t = wall - offset;
    all.push(t);
    if (zoneOffset(t, timeZone) === offset) valid.push(t);
  }
  // Ambiguous (fall back): the first occurrence. Missing (spring forward): just after the gap.
  return valid.length > 0 ? Math.min(...valid) : Math.max(...all);
}

export function parseLocalTime(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

export function formatLocalTime(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}
