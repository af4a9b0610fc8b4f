// A resident presses 元気です while the terminal cannot reach the hub: the check-in is kept on the
// terminal and counted once, with the time it was pressed, when the hub is back. Also covers the
// demo link the hub prints (`/terminal/#credential=…`).
import { axeViolations, screenshot, undersizedTargets } from '../helpers/browser';
import { browserSuite, openPage } from '../helpers/pages';

const suite = browserSuite();

const checkinsOf = (householdId: number) =>
  suite.hub.hub.ctx.db
    .prepare('SELECT COUNT(*) AS n, MIN(pressed_at) AS pressedAt FROM checkins WHERE household_id = ?')
    .get(householdId) as {
    n: number;
    pressedAt: number | null;
  };

test('元気です pressed while offline is delivered once when the hub returns', async () => {
  const { hub } = suite;
  const demo = hub.demo.terminals[1]!;
  const page = await openPage(suite, 'terminal');
  await page.goto(`${hub.url}/terminal/#credential=${demo.credential}`);
  await page.getByTestId('home-screen').waitFor();
  // The credential left the address bar once stored.
  expect(new URL(page.url()).hash).toBe('');

  await hub.stop();
  await page.getByTestId('offline-screen').waitFor({ timeout: 30_000 });
  await screenshot(page, 'terminal-offline-1280-with-checkin');
  expect(await axeViolations(page)).toEqual([]);
  const pressedBefore = Date.now();
  await page.getByTestId('offline-checkin').click();
  await page.getByTestId('offline-checkin-queued').waitFor();
  await screenshot(page, 'terminal-offline-checkin-1280');
  expect(await axeViolations(page)).toEqual([]);
  expect(await undersizedTargets(page)).toEqual([]);

  await hub.restart();
  await page.getByTestId('home-screen').waitFor({ timeout: 60_000 });
  for (const until = Date.now() + 15_000; checkinsOf(demo.householdId).n === 0 && Date.now() < until; ) {
    await new Promise((r) => setTimeout(r, 200));
  }
  expect(checkinsOf(demo.householdId).n).toBe(1);
  const { pressedAt } = checkinsOf(demo.householdId);
  // Dated by the press, not by the delivery.
  expect(pressedAt).toBeGreaterThanOrEqual(pressedBefore - 1000);
  expect(pressedAt).toBeLessThanOrEqual(pressedBefore + 5000);

  // A reload after delivery sends nothing again.
  await page.reload();
  await page.getByTestId('home-screen').waitFor();
  await page.waitForTimeout(1000);
  expect(checkinsOf(demo.householdId).n).toBe(1);
});
