/**
 * The stylesheet of the big-button components, as a string injected by <UiStyles />. Kept in
 * TypeScript (not a .css file) so the components work the same in esbuild bundles, Electron and
 * tests without a CSS loader.
 *
 * Sizing scales with the smaller side of the screen: body text is 28 px at 1280×720 and grows on
 * larger screens; buttons never shrink below 120×120 CSS px.
 */
import { palette as p } from './palette';

export const MIN_TARGET_PX = 120;
export const MIN_BODY_TEXT_PX = 28;

export const uiCss = `
*, *::before, *::after { box-sizing: border-box; }
html { font-size: clamp(${MIN_BODY_TEXT_PX}px, calc(2.6vmin + 10px), 56px); }
html, body { margin: 0; height: 100%; background: ${p.background}; color: ${p.text}; }
body {
  font-family: "Noto Sans CJK JP", "Noto Sans JP", "Hiragino Sans", "BIZ UDPGothic", "Yu Gothic", "Meiryo", system-ui, sans-serif;
  line-height: 1.45; overflow: hidden; word-break: auto-phrase; line-break: strict; -webkit-font-smoothing: antialiased; user-select: none;
}
#root { height: 100%; }
.ts-screen { height: 100vh; height: 100dvh; display: flex; flex-direction: column; padding: 2vmin 3vmin; gap: 2vmin; }
.ts-screen__header { display: flex; align-items: center; gap: 3vmin; min-height: ${MIN_TARGET_PX}px; flex: none; }
.ts-screen__title { font-size: 1.5rem; font-weight: 800; margin: 0; flex: 1; line-height: 1.2; overflow-wrap: anywhere; }
.ts-screen__aside { flex: none; text-align: right; }
.ts-screen__main { flex: 1; min-height: 0; display: flex; flex-direction: column; gap: 2vmin; }
.ts-text { font-size: 1rem; margin: 0; max-width: 40em; }
.ts-text--large { font-size: 1.3rem; font-weight: 700; }
.ts-panel { border-radius: 16px; padding: 2.5vmin 3vmin; font-size: 1rem; font-weight: 700; }
.ts-panel--notice { background: ${p.notice}; color: ${p.noticeText}; border: 3px solid ${p.noticeText}; }
.ts-panel--error { background: ${p.errorPanel}; color: ${p.errorText}; border: 3px solid ${p.errorText}; }
.ts-grid { flex: 1; min-height: 0; display: grid; gap: 2.5vmin; grid-auto-rows: minmax(${MIN_TARGET_PX}px, 1fr); }
.ts-grid--1 { grid-template-columns: minmax(${MIN_TARGET_PX}px, 1fr); }
.ts-grid--2 { grid-template-columns: repeat(2, minmax(${MIN_TARGET_PX}px, 1fr)); }
.ts-grid--3 { grid-template-columns: repeat(3, minmax(${MIN_TARGET_PX}px, 1fr)); }
.ts-button {
  position: relative; display: flex; flex-direction: column; align-items: center; justify-content: center; gap: 0.3em;
  min-width: ${MIN_TARGET_PX}px; min-height: ${MIN_TARGET_PX}px; padding: 0.4em 0.6em; margin: 0;
  border-radius: 20px; border: 4px solid transparent; font: inherit; font-size: 1.15rem; font-weight: 800; line-height: 1.2;
  cursor: pointer; touch-action: manipulation; -webkit-tap-highlight-color: transparent; text-align: center;
  overflow-wrap: anywhere;
}
.ts-button:focus { outline: none; }
.ts-button:focus-visible { outline: 6px solid ${p.focusRing}; outline-offset: 4px; box-shadow: 0 0 0 4px ${p.focusRingInner}; }
.ts-button:active { transform: scale(0.97); }
.ts-button:disabled { cursor: default; opacity: 1; filter: grayscale(0.6); }
.ts-button__icon { width: 1.9em; height: 1.9em; flex: none; }
.ts-button--compact .ts-button__icon { width: 1.3em; height: 1.3em; }
.ts-button--compact { flex-direction: row; font-size: 1rem; gap: 0.4em; }
.ts-button--primary { background: ${p.primary}; color: ${p.primaryText}; }
.ts-button--positive { background: ${p.positive}; color: ${p.positiveText}; }
.ts-button--danger { background: ${p.danger}; color: ${p.dangerText}; }
.ts-button--neutral { background: ${p.neutral}; color: ${p.neutralText}; border-color: ${p.neutralBorder}; }
.ts-badge {
  display: inline-flex; align-items: center; justify-content: center; min-width: 1.6em; height: 1.6em; padding: 0 0.35em;
  border-radius: 0.8em; background: ${p.badge}; color: ${p.badgeText}; border: 3px solid ${p.badgeText};
  font-size: 1rem; font-weight: 900; line-height: 1;
}
.ts-button > .ts-badge { position: absolute; top: 0.4em; right: 0.4em; }
.ts-keypad { display: grid; grid-template-columns: repeat(3, minmax(${MIN_TARGET_PX}px, 1fr)); grid-auto-rows: minmax(${MIN_TARGET_PX}px, 1fr); gap: 2vmin; height: 100%; }
.ts-keypad .ts-button { font-size: 1.6rem; }
.ts-keypad__wide { grid-column: span 2; }
.ts-keypad .ts-keypad__delete { font-size: 1rem; gap: 0.15em; padding: 0.2em; }
.ts-keypad .ts-keypad__delete .ts-button__icon { width: 1.4em; height: 1.4em; }
.ts-digits { display: flex; gap: 1vmin; flex-wrap: nowrap; }
.ts-digits__cell {
  flex: 1 1 0; min-width: 0; max-width: 2.2em; aspect-ratio: 3 / 4; display: flex; align-items: center; justify-content: center;
  border: 4px solid ${p.text}; border-radius: 12px; background: ${p.neutral}; color: ${p.text}; font-size: 1.5rem; font-weight: 800;
}
.ts-digits__cell--current { border-width: 6px; border-color: ${p.primary}; }
.ts-clock { display: flex; flex-direction: column; align-items: flex-end; line-height: 1.15; }
.ts-clock__date { font-size: 1.1rem; font-weight: 700; }
.ts-clock__time { font-size: 2rem; font-weight: 900; letter-spacing: 0.02em; }
.ts-visually-hidden { position: absolute; top: 0; left: 0; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
@media (prefers-reduced-motion: reduce) { .ts-button:active { transform: none; } }
`;
