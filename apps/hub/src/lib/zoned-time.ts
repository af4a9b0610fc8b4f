/** The parts of an instant's wall-clock time in an IANA time zone, with Intl only (formatters cached). */

/** Year to second, 24-hour, two digits each: what local dates, CAP times and check-in windows need. */
export const DATE_TIME_PARTS: Intl.DateTimeFormatOptions = {
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
};

const formatters = new Map<string, Intl.DateTimeFormat>();

/** `{ year: '2026', month: '04', … }` for `ms` in `timeZone`, with the parts `options` ask for. */
export function zonedParts(
  ms: number,
  timeZone: string,
  options: Intl.DateTimeFormatOptions,
  locale = 'en-US',
): Record<string, string> {
  const key = `${locale} ${timeZone} ${JSON.stringify(options)}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { ...options, timeZone });
    formatters.set(key, f);
  }
  const parts: Record<string, string> = {};
  for (const part of f.formatToParts(new Date(ms))) if (part.type !== 'literal') parts[part.type] = part.value;
  return parts;
}
