/**
 * A test fixture (a hub, a database, a gateway) made before the tests of the enclosing `describe`
 * and closed after them: once for all of them ('all') or afresh for each test ('each'). `use`
 * hands it to the test file's own variables, and may finish setting it up.
 */
export type Lifetime = 'all' | 'each';

export function fixture<T>(
  lifetime: Lifetime,
  make: () => Promise<T>,
  close: (made: T) => unknown,
  use: (made: T) => unknown,
): void {
  let made: T | undefined;
  const [before, after] = lifetime === 'all' ? [beforeAll, afterAll] : [beforeEach, afterEach];
  before(async () => {
    made = await make();
    await use(made);
  });
  after(async () => {
    // A fixture that failed to start has nothing to close.
    if (made !== undefined) await close(made);
    made = undefined;
  });
}
