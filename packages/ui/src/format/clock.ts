// Date and time in the resident's language, always in Japan time (the terminal's clock may be set to UTC).
import type { UiLanguage } from '../i18n/i18n';

export const TERMINAL_TIME_ZONE = 'Asia/Tokyo';

export interface ClockText {
  date: string;
  time: string;
}

/**
 * Japan time is UTC+9 all year (no summer time since 1951), so the terminal's own zone is written
 * by hand, with the words Intl would use (clock.test.ts compares every minute of a day and every day
 * of a year with Intl). The first Intl.DateTimeFormat of a page loads the locale's date data, 15–55 ms
 * of the main thread in Chromium, and the home clock is drawn in the terminal's first frame (issue 17).
 */
const JAPAN_OFFSET_MS = 9 * 3_600_000;
const JA_WEEKDAYS = ['日', '月', '火', '水', '木', '金', '土'];
const EN_WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const EN_MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

function formatJapanTime(at: Date, language: UiLanguage): ClockText {
  // The UTC fields of the instant moved by nine hours are Japan's wall-clock fields.
  const wall = new Date(at.getTime() + JAPAN_OFFSET_MS);
  const month = wall.getUTCMonth();
  const day = wall.getUTCDate();
  const weekday = wall.getUTCDay();
  const hours = wall.getUTCHours();
  const minutes = String(wall.getUTCMinutes()).padStart(2, '0');
  if (language === 'ja') {
    // 午前0:05 … 午前11:59, 午後0:00 … 午後11:59 (ICU's ja pattern "aK:mm").
    return {
      date: `${month + 1}月${day}日(${JA_WEEKDAYS[weekday]})`,
      time: `${hours < 12 ? '午前' : '午後'}${hours % 12}:${minutes}`,
    };
  }
  return {
    date: `${EN_WEEKDAYS[weekday]}, ${EN_MONTHS[month]} ${day}`,
    time: `${hours % 12 === 0 ? 12 : hours % 12}:${minutes} ${hours < 12 ? 'AM' : 'PM'}`,
  };
}

/** ja: { date: '11月25日(水)', time: '午後3:05' }; en: { date: 'Wednesday, November 25', time: '3:05 PM' }. */
export function formatClock(at: Date, language: UiLanguage, timeZone = TERMINAL_TIME_ZONE): ClockText {
  if (timeZone === TERMINAL_TIME_ZONE) return formatJapanTime(at, language);
  return formatWithIntl(at, language, timeZone);
}

/** Any other zone, through Intl (and what the Japan-time formatter is checked against). */
export function formatWithIntl(at: Date, language: UiLanguage, timeZone: string): ClockText {
  if (language === 'ja') {
    return {
      date: new Intl.DateTimeFormat('ja-JP', { month: 'long', day: 'numeric', weekday: 'short', timeZone }).format(at),
      time: new Intl.DateTimeFormat('ja-JP', { hour: 'numeric', minute: '2-digit', hour12: true, timeZone }).format(at),
    };
  }
  return {
    date: new Intl.DateTimeFormat('en-US', { weekday: 'long', month: 'long', day: 'numeric', timeZone }).format(at),
    time: new Intl.DateTimeFormat('en-US', { hour: 'numeric', minute: '2-digit', hour12: true, timeZone }).format(at),
  };
}

/** Milliseconds until the next minute starts, so a clock can redraw exactly when it changes. */
export function msUntilNextMinute(now: number): number {
  return 60_000 - (now % 60_000);
}
