// Layout rules specific to the terminal's screens (the components' own styles come from @tsunagu/ui).
export const terminalCss = `
.tr-back { flex: none; min-width: max(200px, 24vmin); min-height: max(120px, 15vmin); font-size: 1.15rem; }
.tr-back-large { flex: none; min-height: max(120px, 20vmin); flex-direction: row; font-size: 1.4rem; gap: 0.5em; }
.tr-message { flex: 1; display: flex; align-items: center; gap: 4vmin; padding: 0 3vmin; }
.tr-message > div { display: flex; flex-direction: column; gap: 3vmin; }
.tr-message__icon { width: 22vmin; height: 22vmin; flex: none; }
.tr-panel-line { margin: 0; }
.tr-panel-line + .tr-panel-line { margin-top: 0.5em; }
.tr-enroll { flex: 1; min-height: 0; display: grid; grid-template-columns: minmax(0, 1.15fr) minmax(0, 1fr); gap: 3vmin; }
.tr-enroll__left { display: flex; flex-direction: column; gap: 2.5vmin; min-height: 0; justify-content: space-between; }
.tr-enroll__left > .ts-text, .tr-enroll__left > .ts-panel { flex: 1 1 auto; }
.tr-enroll__connect { flex: none; min-height: max(120px, 18vmin); flex-direction: row; font-size: 1.5rem; }
.tr-enroll__right { min-height: 0; }
`;
