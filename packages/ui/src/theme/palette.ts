/**
 * The terminal's colours. Every text/background pair used by the components is listed in
 * TEXT_PAIRS and checked against WCAG AAA (7:1) by palette.test.ts, so a colour change that
 * hurts legibility fails the build instead of a resident's eyes.
 */
export const palette = {
  background: '#fffdf7',
  text: '#111111',
  mutedText: '#2b2b2b',
  primary: '#0b3d91',
  primaryText: '#ffffff',
  positive: '#0a4d1f',
  positiveText: '#ffffff',
  danger: '#8a0000',
  dangerText: '#ffffff',
  neutral: '#ffffff',
  neutralText: '#111111',
  neutralBorder: '#111111',
  focusRing: '#c05a00',
  focusRingInner: '#ffffff',
  badge: '#8a0000',
  badgeText: '#ffffff',
  notice: '#fff3c4',
  noticeText: '#111111',
  errorPanel: '#fde8e8',
  errorText: '#6b0000',
} as const;

export type PaletteColour = keyof typeof palette;

/** Foreground/background pairs that appear as text on screen. */
export const TEXT_PAIRS: readonly (readonly [PaletteColour, PaletteColour])[] = [
  ['text', 'background'],
  ['mutedText', 'background'],
  ['primaryText', 'primary'],
  ['positiveText', 'positive'],
  ['dangerText', 'danger'],
  ['neutralText', 'neutral'],
  ['badgeText', 'badge'],
  ['noticeText', 'notice'],
  ['errorText', 'errorPanel'],
  ['errorText', 'background'],
];
