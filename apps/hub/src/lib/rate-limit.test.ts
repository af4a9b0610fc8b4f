import { TokenBuckets } from './rate-limit';

describe('TokenBuckets', () => {
  it('allows a burst, then refills at the given rate, per key', () => {
    let now = 0;
    const b = new TokenBuckets(() => now);
    const rule = { burst: 3, perSecond: 1 };
    expect([1, 2, 3, 4].map(() => b.take('a', rule))).toEqual([true, true, true, false]);
    expect(b.take('b', rule)).toBe(true);
    expect(b.retryAfterSeconds('a', rule)).toBe(1);
    now += 1000;
    expect(b.retryAfterSeconds('a', rule)).toBe(0);
    expect(b.take('a', rule)).toBe(true);
    expect(b.take('a', rule)).toBe(false);
    now += 60_000;
    expect([1, 2, 3, 4].map(() => b.take('a', rule))).toEqual([true, true, true, false]);
  });

  it('does not grow without bound under a flood of keys', () => {
    const b = new TokenBuckets(() => 0, 10);
    for (let i = 0; i < 1000; i++) b.take(`k${i}`, { burst: 1, perSecond: 1 });
    expect((b as unknown as { buckets: Map<string, unknown> }).buckets.size).toBeLessThanOrEqual(10);
  });

  it('forgets a bucket once it has refilled, and never one that is still short', () => {
    let now = 0;
    const b = new TokenBuckets(() => now);
    const slow = { burst: 3, perSecond: 0.1 }; // full again 10 s after each token taken
    expect([1, 2, 3, 4].map(() => b.take('a', slow))).toEqual([true, true, true, false]);
    now = 6_000;
    expect(b.take('b', slow)).toBe(true);
    // 'a' is short until 30 s: kept, and still refused.
    expect(b.size).toBe(2);
    expect(b.take('a', slow)).toBe(false);
    now = 31_000;
    expect(b.take('c', slow)).toBe(true);
    // 'a' (full at 30 s) and 'b' (full at 16 s) are gone; 'c' is short.
    expect(b.size).toBe(1);
    expect([1, 2, 3, 4].map(() => b.take('a', slow))).toEqual([true, true, true, false]);
  });
});
