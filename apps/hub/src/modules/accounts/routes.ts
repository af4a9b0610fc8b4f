/** REST routes for signing in and out, passwords, staff accounts, API keys and the audit log. */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { HubContext } from '../../context';
import { AppError } from '../../lib/errors';
import { actorName, admin, type Principal } from '../../lib/principal';
import { tableRoutes } from '../../lib/route';
import { SESSION_COOKIE } from '../../plugins/auth';
import { audited } from '../audit/store';
import { type AccountsService, publicUser, SESSION_IDLE_MS } from './service';

/** "t…(12)": enough for an administrator to see a pattern, too little to read a password from. */
export function maskedName(typed: string): string {
  return `${[...typed][0] ?? ''}…(${[...typed].length})`;
}

export function userPrincipal(p: Principal | null) {
  if (p?.kind !== 'user') throw new AppError(403, 'FORBIDDEN', 'Only a signed-in person can do this.');
  return p;
}

export function accountsRoutes(ctx: HubContext, accounts: AccountsService) {
  return async function plugin(app: FastifyInstance): Promise<void> {
    const addAuth = tableRoutes(app, ['auth']);
    const addUsers = tableRoutes(app, ['users']);
    const addApiKeys = tableRoutes(app, ['api-keys']);
    const addAudit = tableRoutes(app, ['audit']);
    const setSessionCookie = (reply: FastifyReply, token: string) =>
      reply.setCookie(SESSION_COOKIE, token, {
        httpOnly: true,
        sameSite: 'strict',
        secure: ctx.config.secureCookies,
        path: '/',
        maxAge: SESSION_IDLE_MS / 1000,
      });

    addAuth(
      'POST /api/auth/login',
      { access: 'public', rateLimit: { max: 10, timeWindow: '1 minute' } },
      async (request, reply) => {
        const { username, password, code } = request.body;
        try {
          // A fresh token on every login: a session id planted before login is never reused (fixation).
          const { token, session, secondFactor } = await accounts.login(username, password, request.ip, code);
          await ctx.audit.record({
            actor: `user:${session.user.id}:${session.user.username}`,
            action: 'auth.login',
            ip: request.ip,
            detail: secondFactor ? { secondFactor } : null,
          });
          setSessionCookie(reply, token);
          return session;
        } catch (err) {
          if (err instanceof AppError) {
            // The typed name may be a password typed in the wrong field: an unknown name is kept
            // only masked (first character and length); a real account is named by its id.
            const known = await accounts.store.userByUsername(username);
            await ctx.audit.record({
              actor: 'anonymous',
              action: `auth.login_failed`,
              target: known ? `user:${known.id}` : `unknown-name:${maskedName(username)}`,
              ip: request.ip,
              detail: { code: err.code },
            });
          }
          throw err;
        }
      },
    );

    // Open while the account still has to set up two-factor sign-in (as are the session and password).
    const setup = { access: 'staff', duringTwoFactorSetup: true } as const;
    addAuth('POST /api/auth/logout', setup, async (request, reply) => {
      const p = userPrincipal(request.principal);
      await accounts.logout(p.sessionId);
      await ctx.audit.record({ actor: actorName(p), action: 'auth.logout', ip: request.ip });
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return { ok: true as const };
    });

    addAuth('GET /api/auth/session', setup, async (request) => accounts.sessionInfo(userPrincipal(request.principal)));

    addAuth(
      'POST /api/auth/password',
      { ...setup, rateLimit: { max: 10, timeWindow: '1 minute' } },
      async (request) => {
        const p = userPrincipal(request.principal);
        const body = request.body;
        await accounts.changePassword(p.user.id, p.sessionId, body.currentPassword, body.newPassword);
        await ctx.audit.record({
          actor: actorName(p),
          action: 'auth.password_changed',
          target: `user:${p.user.id}`,
          ip: request.ip,
        });
        return { ok: true as const };
      },
    );

    addUsers('GET /api/users', { access: admin }, async () => ({
      users: (await accounts.store.listUsers()).map(publicUser),
    }));

    addUsers('POST /api/users', { access: admin }, async (request, reply) => {
      const user = await accounts.createUser(request.body);
      await audited(ctx.audit, request, 'user.created', `user:${user.id}:${user.username}`, {
        role: user.role,
        admin: user.admin,
        shopId: user.shopId,
      });
      return reply.status(201).send(user);
    });

    addUsers('PATCH /api/users/:id', { access: admin }, async (request) => {
      const { id } = request.params;
      const body = request.body;
      const p = request.principal;
      if (p?.kind === 'user' && p.user.id === id && (body.disabled || body.admin === false)) {
        throw new AppError(
          400,
          'VALIDATION_FAILED',
          'You cannot disable yourself or remove your own administrator rights.',
        );
      }
      const user = await accounts.updateUser(id, body);
      await ctx.audit.record({
        actor: actorName(p),
        action: 'user.updated',
        target: `user:${id}`,
        ip: request.ip,
        detail: { ...body },
      });
      return user;
    });

    addUsers('POST /api/users/:id/password', { access: admin }, async (request) => {
      const { id } = request.params;
      await accounts.resetPassword(id, request.body.newPassword);
      await audited(ctx.audit, request, 'user.password_reset', `user:${id}`);
      return { ok: true as const };
    });

    addApiKeys('GET /api/api-keys', { access: admin }, async () => ({
      apiKeys: (await accounts.store.listApiKeys()).map(({ createdBy: _c, ...k }) => k),
    }));

    addApiKeys('POST /api/api-keys', { access: admin }, async (request, reply) => {
      const body = request.body;
      const p = request.principal;
      const { id, key } = await accounts.createApiKey(body.name, body.role, p?.kind === 'user' ? p.user.id : null);
      await ctx.audit.record({
        actor: actorName(p),
        action: 'apikey.created',
        target: `apikey:${id}`,
        ip: request.ip,
        detail: { role: body.role, name: body.name },
      });
      const { createdBy: _c, ...apiKey } = (await accounts.store.apiKeyById(id))!;
      return reply.status(201).send({ apiKey, key });
    });

    addApiKeys('DELETE /api/api-keys/:id', { access: admin }, async (request) => {
      const { id } = request.params;
      await accounts.revokeApiKey(id);
      await audited(ctx.audit, request, 'apikey.revoked', `apikey:${id}`);
      return { ok: true as const };
    });

    addAudit('GET /api/audit', { access: admin }, async (request) => {
      const q = request.query;
      return { entries: await ctx.audit.list(q) };
    });
  };
}
