// Planned listening calls (issue 16): a welfare worker at city hall plans "call Mrs Sato every
// Tuesday at 10:00" in the console; when the hub's clock reaches it, the call is offered on the
// listener's calls page, one click rings the resident's terminal, the resident answers, and after
// the call the listener is asked for a note. The plan list and the offered call are checked with
// axe and saved for docs/watch.md.
import { FakeClock } from '../../apps/hub/src/lib/clock';
import { axeViolations, screenshot } from '../helpers/browser';
import { browserSuite, jst, openConsole, openTerminal } from '../helpers/pages';

jest.setTimeout(150_000);

/** Tuesday 6 January 2026, 9:00 in Tokyo. */
const clock = new FakeClock(jst(6, 9, 0));
const suite = browserSuite({ clock });

test('a planned listening call is offered at its time and rings the terminal', async () => {
  const { hub } = suite;
  const db = hub.hub.ctx.db;
  const resident = hub.demo.terminals[0]!;

  // --- the welfare worker plans the call ---------------------------------------------------------
  const welfare = await openConsole(suite, 'cityhall', { route: 'call-plans', waitFor: 'call-plans-page' });
  await welfare.getByTestId('call-plan-add').click();
  await welfare.getByTestId('call-plan-resident').selectOption({ label: resident.householdName });
  await welfare.getByTestId('call-plan-day-2').check();
  await welfare.getByTestId('call-plan-time').fill('10:00');
  await welfare.getByTestId('call-plan-note').fill('お孫さんの話をよくされます');
  await welfare.getByTestId('call-plan-save').click();
  await welfare.getByTestId('call-plans-status').filter({ hasText: '予定を保存しました' }).waitFor();
  const row = welfare.locator('[data-testid^="call-plan-"]').filter({ hasText: resident.householdName });
  await expect(row.textContent()).resolves.toContain('毎週火 10:00');
  expect({ violations: await axeViolations(welfare) }).toEqual({ violations: [] });
  await screenshot(welfare, 'console-call-plans');

  // --- the listener is on the calls page, the resident's terminal is on ----------------------------
  const listener = await openConsole(suite, 'listener1', { route: 'calls', waitFor: 'calls-page', bypassCSP: true });
  await listener.getByTestId('set-available').click();
  await listener.getByTestId('my-availability').filter({ hasText: '受付中' }).waitFor();
  const terminal = await openTerminal(suite, { credential: resident.credential });
  expect(await listener.getByTestId('due-calls').count()).toBe(0);

  // --- 10:00: the call is offered, one click rings the terminal ------------------------------------
  clock.set(jst(6, 10, 0));
  const due = listener.getByTestId('due-calls');
  await due.waitFor({ timeout: 15_000 });
  await expect(due.textContent()).resolves.toContain(resident.householdName);
  expect({ violations: await axeViolations(listener) }).toEqual({ violations: [] });
  await screenshot(listener, 'console-due-call');
  await due.getByRole('button', { name: '電話をかける' }).click();
  await terminal.getByTestId('call-incoming').waitFor({ timeout: 15_000 });
  await expect(terminal.getByTestId('call-incoming').textContent()).resolves.toContain('話し相手');
  await terminal.getByTestId('call-answer').click();
  await terminal.getByTestId('call-in-progress').waitFor({ timeout: 15_000 });
  await listener.getByTestId('call-active').waitFor();
  await due.waitFor({ state: 'detached' });
  expect(db.prepare('SELECT state FROM scheduled_calls').all()).toEqual([{ state: 'ringing' }]);

  // --- the listener ends the call: answered, a sign of life, and the note form -----------------------
  await listener.getByTestId('call-hang-up').click();
  await listener.getByTestId('call-note').waitFor();
  expect(db.prepare('SELECT state FROM scheduled_calls').all()).toEqual([{ state: 'answered' }]);
  expect(
    db
      .prepare("SELECT COUNT(*) AS n FROM signs_of_life WHERE household_id = ? AND kind = 'call'")
      .get(resident.householdId),
  ).toEqual({ n: 1 });
});
