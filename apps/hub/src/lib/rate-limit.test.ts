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
});
