/**
 * Token buckets for rate limits outside Fastify's (socket commands, failed enrollments). Real
 * elapsed time, not the injected clock: a rate limit protects the hub's resources now; it is not a
 * deadline in the domain, and a fake clock must not be able to switch it off or trip it.
 */
import { performance } from 'node:perf_hooks';

export interface RateRule {
  /** How many may come at once. */
  burst: number;
  /** How fast the allowance refills, per second. */
  perSecond: number;
}

/** How often buckets that have refilled are forgotten (at most; only when something takes a token). */
const SWEEP_MS = 5_000;

export class TokenBuckets {
  /** Each key's tokens at `at`, and when they are full again (the bucket is then forgotten). */
  private buckets = new Map<string, { tokens: number; at: number; full: number }>();
  private swept: number;

  constructor(
    private readonly now: () => number = () => performance.now(),
    private readonly maxKeys = 100_000,
  ) {
    this.swept = now();
  }

  /** Takes one token for `key`; false when the allowance is used up. */
  take(key: string, rule: RateRule): boolean {
    const t = this.now();
    // A full bucket is the same as none: every terminal that sent a receipt would otherwise keep one
    // for as long as the hub runs (about 165 B each, docs/benchmarks.md, session 15).
    if (t - this.swept >= SWEEP_MS) this.sweep(t);
    let b = this.buckets.get(key);
    if (!b) {
      // A flood of distinct keys must not grow memory without bound: forget everyone (generous).
      if (this.buckets.size >= this.maxKeys) this.buckets.clear();
      b = { tokens: rule.burst, at: t, full: t };
      this.buckets.set(key, b);
    } else {
      b.tokens = Math.min(rule.burst, b.tokens + ((t - b.at) / 1000) * rule.perSecond);
      b.at = t;
    }
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    b.full = t + ((rule.burst - b.tokens) / rule.perSecond) * 1000;
    return true;
  }

  /** Seconds until `key` may try again under `rule` (0 when it may now). */
  retryAfterSeconds(key: string, rule: RateRule): number {
    const b = this.buckets.get(key);
    if (!b) return 0;
    const tokens = Math.min(rule.burst, b.tokens + ((this.now() - b.at) / 1000) * rule.perSecond);
    return tokens >= 1 ? 0 : Math.ceil((1 - tokens) / rule.perSecond);
  }

  /** How many keys hold a bucket (one that has refilled goes at the next sweep; read by the tests). */
  get size(): number {
    return this.buckets.size;
  }

  private sweep(t: number): void {
    this.swept = t;
    for (const [key, b] of this.buckets) if (b.full <= t) this.buckets.delete(key);
  }
}
