/**
 * Waits for something another connection, process or timer does (checked every 20 ms): until
 * `condition` holds, or — given `timeoutMs` — fails saying the condition was not reached.
 */
export async function until(condition: () => boolean | Promise<boolean>, timeoutMs?: number): Promise<void> {
  const deadline = timeoutMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 20));
  }
}
