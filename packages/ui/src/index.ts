// Public surface of @tsunagu/ui: accessible big-button components, catalogues, speech and sounds.
export {
  AnnouncementCard,
  type AnnouncementCardData,
  announcementCss,
  announcementText,
  EmergencyFrame,
} from './components/AnnouncementCard';
export { Badge } from './components/Badge';
export { BigButton, type BigButtonProps, type ButtonVariant } from './components/BigButton';
export { ICON_NAMES, Icon, type IconName, LineDrawing } from './components/Icon';
export { applyKey, DigitDisplay, KEYPAD_ORDER, Keypad, type KeypadProps } from './components/Keypad';
export { ButtonGrid, columnsFor, Screen, type ScreenProps } from './components/Screen';
export { UiStyles } from './components/UiStyles';
export { type PagedOverflow, usePagedOverflow } from './components/usePagedOverflow';
export {
  createHttpSpeechFallback,
  pickVoice,
  SPEAK_EVENT,
  type SpeakRequest,
  type SpeechFallback,
  setSpeechFallback,
  speak,
} from './feedback/speech';
export { playTone, TONES, type ToneKind, type ToneNote, toneSignature } from './feedback/tones';
export { type ClockText, formatClock, msUntilNextMinute, TERMINAL_TIME_ZONE } from './format/clock';
export { en } from './i18n/en';
export {
  catalogues,
  createI18n,
  DEFAULT_LANGUAGE,
  isUiLanguage,
  LOCALE_TAGS,
  UI_LANGUAGES,
  type UiLanguage,
} from './i18n/i18n';
export { type Catalogue, ja } from './i18n/ja';
export { mountApp } from './mount';
export { AAA_CONTRAST, contrastRatio, relativeLuminance } from './theme/contrast';
export { palette, TEXT_PAIRS } from './theme/palette';
export { MIN_BODY_TEXT_PX, MIN_TARGET_PX, uiCss } from './theme/styles';
