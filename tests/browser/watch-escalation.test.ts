// Wellbeing watch end to end on a real hub whose clock the test drives: a resident checks in on the
// terminal (元気です → mood → thank-you), and a watcher's console shows another resident's missed
// check-in escalate live, then acknowledges and resolves it. Screens are checked with axe and
// screenshotted for docs/watch.md.
import { FakeClock } from '../../apps/hub/src/lib/clock';
import { axeViolations, screenshot } from '../helpers/browser';
import { browserSuite, jst, openConsole, openTerminal, walk } from '../helpers/pages';

jest.setTimeout(120_000);

const clock = new FakeClock(jst(5, 8, 30));
const suite = browserSuite({ clock });

test('a resident checks in; a watcher sees a missed check-in escalate, acknowledges and resolves it', async () => {
  const { hub } = suite;
  const [resident, missing] = hub.demo.terminals as unknown as [{ householdId: number }, { householdId: number }];
  const db = hub.hub.ctx.db;

  // --- the terminal: 元気です → three faces → thank-you -----------------------------------------
  const terminal = await openTerminal(suite, { householdId: resident.householdId });
  await walk(terminal, [
    { tap: 'home-checkin', shows: 'checkin-screen', check: 'terminal-checkin' },
    { tap: 'checkin-press', shows: 'checkin-mood-screen', check: 'terminal-checkin-mood' },
    { tap: 'checkin-mood-good', shows: 'checkin-done-screen', check: 'terminal-checkin-done' },
  ]);
  await expect(terminal.getByTestId('announcer').textContent()).resolves.toContain('ありがとうございます');
  expect(db.prepare('SELECT mood FROM checkins WHERE household_id = ?').all(resident.householdId)).toEqual([
    { mood: 'good' },
  ]);

  // --- the watcher's console -----------------------------------------------------------------------
  const page = await openConsole(suite, 'welfare1', { viewport: { width: 1280, height: 1400 }, bypassCSP: true });
  await page.getByTestId('nav-watch').click();
  await page.getByTestId('watch-page').waitFor();
  await page.locator('[data-testid="live-status"][data-status="online"]').waitFor();
  const row = (householdId: number) => page.getByTestId(`watch-row-${householdId}`);
  await expect(row(resident.householdId).getAttribute('data-status')).resolves.toBe('checked_in');
  await expect(row(missing.householdId).getAttribute('data-status')).resolves.toBe('terminal_offline');

  // 10:00: the deadline passes without a sign of life → the resident is reminded; the board says missed.
  clock.set(jst(5, 10, 0));
  await page.locator(`[data-testid="watch-row-${missing.householdId}"][data-status="missed"]`).waitFor();
  const alertId = (
    db
      .prepare("SELECT id FROM watch_alerts WHERE household_id = ? AND kind = 'missed_checkin'")
      .get(missing.householdId) as { id: number }
  ).id;
  await page.locator(`[data-testid="watch-alert-${alertId}"][data-level="0"]`).waitFor();

  // 11:00: grace period over → the watcher is alerted live (with a sound) and the row shows escalated.
  clock.set(jst(5, 11, 0));
  await page.getByTestId('watch-flash').waitFor();
  await page.locator(`[data-testid="watch-alert-${alertId}"][data-level="1"]`).waitFor();
  await page.locator(`[data-testid="watch-row-${missing.householdId}"][data-status="escalated"]`).waitFor();
  expect({ violations: await axeViolations(page) }).toEqual({ violations: [] });
  await screenshot(page, 'watch-board');

  await page.getByTestId(`watch-ack-${alertId}`).click();
  await page.locator(`[data-testid="watch-alert-${alertId}"][data-state="acknowledged"]`).waitFor();
  await page.getByTestId(`watch-outcome-${alertId}`).selectOption('visited_fine');
  await page.getByTestId(`watch-note-${alertId}`).fill('訪問しました。お元気でした。');
  await page.getByTestId(`watch-resolve-${alertId}`).click();
  await page.getByTestId(`watch-alert-${alertId}`).waitFor({ state: 'detached' });
  // The outcomes list reloads after the alert goes: wait for the row, then check who it names (display name).
  const outcome = page.getByTestId('watch-outcomes').getByRole('row').filter({ hasText: '訪問して無事' });
  await outcome.first().waitFor();
  await expect(outcome.first().textContent()).resolves.toContain('福祉課 青木');
  expect(db.prepare('SELECT state, outcome, level FROM watch_alerts WHERE id = ?').get(alertId)).toEqual({
    state: 'resolved',
    outcome: 'visited_fine',
    level: 1,
  });
  const steps = (
    db.prepare('SELECT type FROM watch_alert_events WHERE alert_id = ? ORDER BY id').all(alertId) as { type: string }[]
  ).map((e) => e.type);
  expect(steps).toEqual(['opened', 'terminal_reminded', 'escalated', 'acknowledged', 'resolved']);

  // The resident's 30-day history: today checked in, in a good mood.
  await page.getByTestId(`watch-history-${resident.householdId}`).click();
  await page.getByTestId('watch-history').getByText('よい').first().waitFor();
  await page.getByTestId('watch-history').scrollIntoViewIfNeeded();
  await screenshot(page, 'watch-resolved-history');
  expect({ violations: await axeViolations(page) }).toEqual({ violations: [] });
});
