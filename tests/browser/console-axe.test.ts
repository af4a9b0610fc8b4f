// Every console page, as each kind of staff member sees it, checked with axe (issue 13: "the console
// is checked with axe on every page", as the terminal's screens are). The pages are found from the
// navigation itself, so a page added later is checked without touching this test. Each page's text
// is also searched for internal codes (snake_case) where Japanese words belong.
import { axeViolations } from '../helpers/browser';
import { browserSuite, openConsole } from '../helpers/pages';

jest.setTimeout(180_000);

const suite = browserSuite();

test.each(['admin', 'shop1', 'listener1', 'welfare1'])('every page %s can open passes axe', async (username) => {
  const page = await openConsole(suite, username, { viewport: { width: 1280, height: 900 } });
  const ids = await page
    .locator('[data-testid^="nav-"]')
    .evaluateAll((links) => links.map((l) => l.getAttribute('data-testid')!));
  expect(ids.length).toBeGreaterThan(1);
  const found: { page: string; violations: unknown[] }[] = [];
  const codes: { page: string; codes: string[] }[] = [];
  for (const id of ids) {
    await page.getByTestId(id).click();
    await page.locator('main h1').first().waitFor();
    // Lists load after the heading: wait until no "読み込み中" is left.
    await page.waitForFunction(() => !document.querySelector('main')?.textContent?.includes('読み込み中'));
    await page.waitForTimeout(100);
    found.push({ page: id, violations: await axeViolations(page) });
    // Words, not internal codes: nothing like `hung_up_by_resident` on a Japanese page.
    // (The audit log's actor, target and detail columns are stored data in monospace: left out; its action is in words.)
    const text = await page.locator('main').evaluate((main) => {
      const copy = main.cloneNode(true) as HTMLElement;
      for (const code of Array.from(copy.querySelectorAll('.mono, style, script'))) code.remove();
      return copy.textContent ?? '';
    });
    codes.push({ page: id, codes: [...new Set(text.match(/\b[a-z]+(?:_[a-z]+)+\b/g) ?? [])] });
  }
  expect(found).toEqual(ids.map((id) => ({ page: id, violations: [] })));
  expect(codes).toEqual(ids.map((id) => ({ page: id, codes: [] })));
  await page.close();
});
