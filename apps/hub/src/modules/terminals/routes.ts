/** REST routes for enrollment codes, enrollment, terminal status/revocation and the terminal profile. */
import type { FastifyInstance } from 'fastify';
import type { HubContext } from '../../context';
import { AppError } from '../../lib/errors';
import { actorName, cityhall } from '../../lib/principal';
import { TokenBuckets } from '../../lib/rate-limit';
import { tableRoutes } from '../../lib/route';
import { audited } from '../audit/store';
import { registerFleet } from './fleet';
import type { TerminalsService } from './service';
import type { TerminalsStore } from './store';

/**
 * Failed enrollments across the whole hub, whatever the address: 20 at once, then 20 an hour. The
 * per-address limit alone would let many addresses guess together; with this, an attacker gets
 * about 500 guesses a day against 10^8 codes. Under such an attack installers are asked to wait.
 */
export const ENROLLMENT_FAILURES = { burst: 20, perSecond: 20 / 3600 };
/**
 * Wrong codes from one address: 5 at once, then 5 a minute. Only guesses count: a code that exists
 * but was used or has expired is the installer's mistake, not a guess, and says so every time.
 */
export const ENROLLMENT_GUESSES = { burst: 5, perSecond: 5 / 60 };
const isGuess = (err: unknown) => (err as { code?: string }).code === 'ENROLLMENT_CODE_INVALID';

export function terminalsRoutes(ctx: HubContext, service: TerminalsService, store: TerminalsStore) {
  const failures = new TokenBuckets();
  return async function plugin(app: FastifyInstance): Promise<void> {
    const add = tableRoutes(app, ['terminals']);
    add('POST /api/households/:id/enrollment-codes', { access: cityhall }, async (request, reply) => {
      const { id } = request.params;
      // The body may be left out altogether (Fastify validates a body only when one is sent).
      const ttlMinutes = request.body?.ttlMinutes;
      const actor = actorName(request.principal);
      const { code, expiresAt } = await service.issueCode(id, actor, ttlMinutes);
      await audited(ctx.audit, request, 'terminal.code_issued', `household:${id}`);
      return reply.status(201).send({ code, householdId: id, expiresAt: new Date(expiresAt).toISOString() });
    });

    // Per address: with 10^8 codes and 5 wrong guesses a minute (ENROLLMENT_GUESSES), guessing a
    // live code is infeasible; the request limit only stops floods.
    add(
      'POST /api/terminals/enroll',
      { access: 'public', rateLimit: { max: 30, timeWindow: '1 minute' } },
      async (request) => {
        const body = request.body;
        const guesser = `address:${request.ip}`;
        const guessWait = failures.retryAfterSeconds(guesser, ENROLLMENT_GUESSES);
        if (guessWait > 0)
          throw new AppError(
            429,
            'RATE_LIMITED',
            'Too many wrong codes from here. Wait a minute and try again.',
            undefined,
            guessWait,
          );
        const wait = failures.retryAfterSeconds('hub', ENROLLMENT_FAILURES);
        if (wait > 0) {
          throw new AppError(
            429,
            'ENROLLMENT_PAUSED',
            `Too many wrong codes have been tried on this hub. Wait ${Math.ceil(wait / 60)} minutes and try again, or call city hall.`,
          );
        }
        try {
          const result = await service.enroll(body.code, body.deviceName ?? null);
          await ctx.audit.record({
            actor: `terminal:${result.terminalId}`,
            action: 'terminal.enrolled',
            target: `household:${result.householdId}`,
            ip: request.ip,
          });
          return result;
        } catch (err) {
          if (isGuess(err)) {
            failures.take(guesser, ENROLLMENT_GUESSES);
            failures.take('hub', ENROLLMENT_FAILURES);
          }
          await ctx.audit.record({
            actor: 'anonymous',
            action: 'terminal.enroll_failed',
            ip: request.ip,
            detail: { code: (err as { code?: string }).code },
          });
          throw err;
        }
      },
    );

    registerFleet(add, ctx, { service, store });

    add('POST /api/terminals/:id/revoke', { access: cityhall }, async (request) => {
      const { id } = request.params;
      await service.revoke(id);
      await audited(ctx.audit, request, 'terminal.revoked', `terminal:${id}`);
      return { ok: true as const };
    });

    add('GET /api/terminal/profile', { access: 'terminal' }, async (request) => {
      const p = request.principal;
      return service.profile(p?.kind === 'terminal' ? p.terminalId : 0);
    });
  };
}
