/**
 * Acknowledgement links: a token naming one delivery (and so one person and one alert), signed
 * with the hub's secret (HMAC-SHA256) and valid for a week. The link only opens the console: the
 * alert is acknowledged by a signed-in person whose delivery it was, once (notification_deliveries.link_used_at).
 */
import { createHmac } from 'node:crypto';
import { AppError } from '../../lib/errors';
import { safeEqual } from '../../lib/secrets';

export const LINK_LIFETIME_MS = 7 * 24 * 3600_000;

export interface LinkClaims {
  deliveryId: number;
  userId: number;
  alertId: number;
  expiresAt: number;
}

export function createLinks(secret: string) {
  const sign = (payload: string) => createHmac('sha256', secret).update(payload).digest('base64url');
  return {
    token(c: LinkClaims): string {
      const payload = Buffer.from(
        JSON.stringify({ d: c.deliveryId, u: c.userId, a: c.alertId, e: Math.floor(c.expiresAt / 1000) }),
      ).toString('base64url');
      return `${payload}.${sign(payload)}`;
    },
    /** The claims of a genuine, unexpired token; otherwise a clear error. */
    verify(token: string, now: number): LinkClaims {
      const invalid = () => new AppError(400, 'LINK_INVALID', 'This link is not valid. Open the alert in the console.');
      const [payload, signature, ...rest] = token.split('.');
      if (!payload || !signature || rest.length > 0 || !safeEqual(signature, sign(payload))) throw invalid();
      let raw: unknown;
      try {
        raw = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      } catch {
        throw invalid();
      }
      const r = raw as { d?: unknown; u?: unknown; a?: unknown; e?: unknown };
      if (![r.d, r.u, r.a, r.e].every((v) => Number.isSafeInteger(v))) throw invalid();
      const claims = {
        deliveryId: r.d as number,
        userId: r.u as number,
        alertId: r.a as number,
        expiresAt: (r.e as number) * 1000,
      };
      if (claims.expiresAt <= now)
        throw new AppError(410, 'LINK_EXPIRED', 'This link has expired. Open the alert in the console.');
      return claims;
    },
  };
}
export type Links = ReturnType<typeof createLinks>;
