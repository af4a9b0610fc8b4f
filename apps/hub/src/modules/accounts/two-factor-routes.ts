/** REST for two-factor sign-in: set-up from the account page, recovery codes, turning it off, and an administrator's reset. */
import type { FastifyInstance } from 'fastify';
import type { HubContext } from '../../context';
import { AppError, badRequest, notFound } from '../../lib/errors';
import { actorName, admin } from '../../lib/principal';
import { tableRoutes } from '../../lib/route';
import { userPrincipal } from './routes';
import type { AccountsService } from './service';
import { type TwoFactorService, twoFactorRequired } from './two-factor';

const tags = ['auth'];
/** Codes are six digits: a few tries a minute per address is plenty for a person. */
const codeRate = { max: 10, timeWindow: '1 minute' };

export function twoFactorRoutes(ctx: HubContext, deps: { accounts: AccountsService; twoFactor: TwoFactorService }) {
  const { accounts, twoFactor } = deps;
  return async function plugin(app: FastifyInstance): Promise<void> {
    const add = tableRoutes(app, tags);
    const addUsers = tableRoutes(app, ['users']);
    add('POST /api/auth/two-factor/setup', { access: 'staff', duringTwoFactorSetup: true }, async (request) =>
      twoFactor.setup(userPrincipal(request.principal).user),
    );

    add(
      'POST /api/auth/two-factor/confirm',
      { access: 'staff', duringTwoFactorSetup: true, rateLimit: codeRate },
      async (request) => {
        const p = userPrincipal(request.principal);
        const recoveryCodes = await twoFactor.confirm(p.user.id, request.body.code);
        await ctx.audit.record({
          actor: actorName(p),
          action: 'auth.two_factor_enabled',
          target: `user:${p.user.id}`,
          ip: request.ip,
        });
        return { recoveryCodes };
      },
    );

    add('POST /api/auth/two-factor/recovery-codes', { access: 'staff', rateLimit: codeRate }, async (request) => {
      const p = userPrincipal(request.principal);
      const recoveryCodes = await twoFactor.renewRecoveryCodes(p.user.id, request.body.code);
      await ctx.audit.record({
        actor: actorName(p),
        action: 'auth.recovery_codes_renewed',
        target: `user:${p.user.id}`,
        ip: request.ip,
      });
      return { recoveryCodes };
    });

    add('POST /api/auth/two-factor/disable', { access: 'staff', rateLimit: codeRate }, async (request) => {
      const p = userPrincipal(request.principal);
      if (twoFactorRequired(p.user))
        throw new AppError(403, 'FORBIDDEN', 'City hall accounts must keep two-factor sign-in.');
      await accounts.confirmPassword(p.user.id, p.sessionId, request.body.password);
      if (await twoFactor.remove(p.user.id))
        await ctx.audit.record({
          actor: actorName(p),
          action: 'auth.two_factor_disabled',
          target: `user:${p.user.id}`,
          ip: request.ip,
        });
      return { ok: true as const };
    });

    addUsers('POST /api/users/:id/two-factor/reset', { access: admin }, async (request) => {
      const { id } = request.params;
      const p = userPrincipal(request.principal);
      if (p.user.id === id)
        throw badRequest('VALIDATION_FAILED', 'Ask another administrator to reset your own two-factor sign-in.');
      if (!(await accounts.store.userById(id))) throw notFound('user');
      await twoFactor.remove(id);
      // Whoever has the old phone must not stay signed in: the user sets it up again at sign-in.
      await accounts.signOutEverywhere(id);
      await ctx.audit.record({
        actor: actorName(p),
        action: 'user.two_factor_reset',
        target: `user:${id}`,
        ip: request.ip,
      });
      return { ok: true as const };
    });
  };
}
