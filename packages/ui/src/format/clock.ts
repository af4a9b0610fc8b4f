// Date and time in the resident's language, always in Japan time (the terminal's clock may be set to UTC).
import type { UiLanguage } from '../i18n/i18n';

export const TERMINAL_TIME_ZONE = 'Asia/Tokyo';

export interface ClockText {
  date: string;
  time: string;
}

/** ja: { date: '11月25日(水)', time: '午後3:05' }; en: { date: 'Wednesday, November 25', time: '3:05 PM' }. */
export function formatClock(at: Date, language: UiLanguage, timeZone = TERMINAL_TIME_ZONE): ClockText {
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
