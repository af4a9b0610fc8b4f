// Styles of the watch page, kept with the feature (injected once by the page).
export const watchCss = `
.watch-alerts { list-style: none; padding: 0; display: grid; gap: 12px; }
.watch-alert { border: 2px solid #8a6d00; border-left-width: 10px; border-radius: 6px; padding: 12px 16px; background: #fffdf3; }
.watch-alert-level-0 { border-color: #6b6b6b; background: #fafafa; }
.watch-alert-level-2 { border-color: #a4000f; background: #fff5f5; }
.watch-alert h3 { margin: 0 0 4px; font-size: 1.1rem; }
.watch-ladder { margin: 8px 0; padding-left: 1.4em; }
.watch-actions { display: flex; flex-wrap: wrap; gap: 16px; align-items: center; }
.watch-resolve { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin: 0; }
.watch-resolve input { min-width: 16em; }
.watch-status-checked_in { background: #e3f4e3; color: #114d11; }
.watch-status-late { background: #eef4e3; color: #2d4d11; }
.watch-status-waiting { background: #eef1f6; color: #1d2f4a; }
.watch-status-missed { background: #fff0c2; color: #5c4300; }
.watch-status-escalated { background: #ffe0e0; color: #7a0010; font-weight: 700; }
.watch-status-terminal_offline { background: #ececec; color: #333; }
.watch-calendar { list-style: none; padding: 0; display: grid; grid-template-columns: repeat(7, minmax(64px, 1fr)); gap: 4px; }
.watch-day { border: 1px solid #ccc; border-radius: 4px; padding: 4px 6px; font-size: 0.85rem; display: flex; flex-direction: column; }
.watch-day-date { font-weight: 700; }
.watch-day-checked_in { background: #e3f4e3; }
.watch-day-late { background: #eef4e3; }
.watch-day-missed { background: #ffe0e0; }
.watch-day-day_off, .watch-day-not_watched { background: #f3f3f3; color: #444; }
.watch-deliveries { margin: 4px 0 8px; }
.watch-deliveries ul { margin: 4px 0; padding-left: 1.4em; }
.watch-alert-kind-help_request { border-color: #a4000f; }
@media (max-width: 720px) {
  .watch-resolve input { min-width: 0; width: 100%; }
  .watch-actions .button { min-height: 48px; }
}
.watch-trend svg { width: 100%; max-width: 640px; height: auto; }
`;
