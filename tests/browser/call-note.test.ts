// Every conversation counts (issue 16): a resident calls a shop from the terminal, the operator
// answers in the console and hangs up; the console then asks for a short note with a concern
// ("please visit"). The family member watching that household has the watch page open: the concern
// arrives live as an alert that shows the operator's words, and the resident's history lists the
// call note. Both console screens are checked with axe and saved for docs/watch.md.
import { FakeClock } from '../../apps/hub/src/lib/clock';
import { axeViolations, screenshot } from '../helpers/browser';
import { browserSuite, openConsole, openTerminal } from '../helpers/pages';

jest.setTimeout(120_000);

/** Monday 5 January 2026, 10:00 in Tokyo: the demo supermarket is open. */
const clock = new FakeClock(Date.UTC(2026, 0, 5, 1, 0));
const suite = browserSuite({ clock });

const NOTE = '咳が続いていて、食欲がないそうです';

test('an operator’s note and concern after a call reach the household’s watcher', async () => {
  const { hub } = suite;
  const shopId = hub.hub.stores.shops.directory.list().find((s) => s.name === 'みどりマート')!.id;
  const resident = hub.demo.terminals[0]!;

  // The family member watching this household has the watch page open.
  const watcher = await openConsole(suite, 'family1', { route: 'watch', waitFor: 'watch-page' });
  await watcher.locator('[data-testid="live-status"][data-status="online"]').waitFor();

  // --- the call ---------------------------------------------------------------------------------
  const operator = await openConsole(suite, 'shop1', { route: 'calls', waitFor: 'calls-page', bypassCSP: true });
  await operator.getByTestId('set-available').click();
  const terminal = await openTerminal(suite, { credential: resident.credential });
  await terminal.getByTestId('home-shopping').click();
  await terminal.getByTestId(`shop-${shopId}`).click();
  await operator.getByTestId('call-ringing').waitFor({ timeout: 15_000 });
  await operator.getByTestId('call-answer').click();
  await operator.getByTestId('call-active').waitFor();
  await terminal.getByTestId('call-in-progress').waitFor({ timeout: 15_000 });
  await operator.getByTestId('call-hang-up').click();

  // --- the note after the call --------------------------------------------------------------------
  const form = operator.getByTestId('call-note');
  await form.waitFor();
  await expect(form.textContent()).resolves.toContain(resident.householdName);
  // Nothing written yet: the console asks for words instead of sending an empty concern.
  await operator.getByTestId('call-note-concern-visit').check();
  await operator.getByTestId('call-note-save').click();
  await expect(operator.getByTestId('call-note-error').textContent()).resolves.toContain('様子を一言書いてください');
  await operator.getByTestId('call-note-text').fill(NOTE);
  expect({ violations: await axeViolations(operator) }).toEqual({ violations: [] });
  await screenshot(operator, 'console-call-note');
  await operator.getByTestId('call-note-save').click();
  await operator.getByTestId('call-note-saved').getByText('見守り担当の方に知らせました').waitFor();

  // --- the watcher's page: the alert, live, with the operator's words -------------------------------
  const card = watcher.locator('.watch-alert-kind-concern');
  await card.waitFor({ timeout: 15_000 });
  await expect(card.textContent()).resolves.toContain(resident.householdName);
  const note = card.locator('[data-testid^="watch-alert-note-"]');
  await expect(note.textContent()).resolves.toContain(NOTE);
  await expect(note.textContent()).resolves.toContain('訪問してほしい');
  await expect(watcher.getByTestId('watch-flash').textContent()).resolves.toContain(resident.householdName);

  // The resident's history lists the call note with the shop and who wrote it.
  await watcher.getByTestId(`watch-history-${resident.householdId}`).click();
  const notes = watcher.getByTestId('watch-call-notes');
  await notes.getByText(NOTE, { exact: false }).waitFor();
  await expect(notes.textContent()).resolves.toContain('みどりマート');
  expect({ violations: await axeViolations(watcher) }).toEqual({ violations: [] });
  await card.scrollIntoViewIfNeeded();
  await screenshot(watcher, 'watch-call-note-alert');
});
