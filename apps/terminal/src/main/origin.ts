/** Origin comparison used by every guard: one place to get URL parsing right. */

/** The serialized origin of `url`, or null when it has none (bad URL, `file:`, `data:`, `about:blank`). */
export function originOf(url: string | undefined | null): string | null {
  if (!url) return null;
  try {
    const origin = new URL(url).origin;
    return origin === 'null' ? null : origin;
  } catch {
    return null;
  }
}

export function isSameOrigin(url: string | undefined | null, origin: string): boolean {
  return originOf(url) === origin;
}
