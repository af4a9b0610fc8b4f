/** REST routes for signing in and out, passwords, staff accounts, API keys and the audit log. */
import {
  ApiKeyList,
  AuditList,
  AuditQuery,
  ChangePasswordBody,
  CreateApiKeyBody,
  CreatedApiKey,
  CreateUserBody,
  IdParams,
  LoginBody,
  OkResponse,
  ResetPasswordBody,
  SessionInfo,
  UpdateUserBody,
  User,
  UserList,
} from '@tsunagu/protocol';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { HubContext } from '../../context';
import { AppError } from '../../lib/errors';
import { actorName, type Principal } from '../../lib/principal';
import { SESSION_COOKIE } from '../../plugins/auth';
import { type AccountsService, publicUser, SESSION_IDLE_MS } from './service';

const admin = { roles: ['cityhall'] as const, admin: true };

/** "t…(12)": enough for an administrator to see a pattern, too little to read a password from. */
export function maskedName(typed: string): string {
  return `${[...typed][0] ?? ''}…(${[...typed].length})`;
}

function userPrincipal(p: Principal | null) {
  if (p?.kind !== 'user') throw new AppError(403, 'FORBIDDEN', 'Only a signed-in person can do this.');
  return p;
}

export function accountsRoutes(ctx: HubContext, accounts: AccountsService) {
  return async function plugin(app: FastifyInstance): Promise<void> {
    const setSessionCookie = (reply: FastifyReply, token: string) =>
      reply.setCookie(SESSION_COOKIE, token, {
        httpOnly: true,
        sameSite: 'strict',
        secure: ctx.config.secureCookies,
        path: '/',
        maxAge: SESSION_IDLE_MS / 1000,
      });

    app.post(
      '/api/auth/login',
      {
        config: { access: 'public', rateLimit: { max: 10, timeWindow: '1 minute' } },
        schema: { tags: ['auth'], body: LoginBody, response: { 200: SessionInfo } },
      },
      async (request, reply) => {
        const { username, password } = request.body as LoginBody;
        try {
          // A fresh token on every login: a session id planted before login is never reused (fixation).
          const { token, session } = await accounts.login(username, password, request.ip);
          ctx.audit.record({
            actor: `user:${session.user.id}:${session.user.username}`,
            action: 'auth.login',
            ip: request.ip,
          });
          setSessionCookie(reply, token);
          return session;
        } catch (err) {
          if (err instanceof AppError) {
            // The typed name may be a password typed in the wrong field: an unknown name is kept
            // only masked (first character and length); a real account is named by its id.
            const known = accounts.store.userByUsername(username);
            ctx.audit.record({
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

    app.post(
      '/api/auth/logout',
      { config: { access: 'staff' }, schema: { tags: ['auth'], response: { 200: OkResponse } } },
      async (request, reply) => {
        const p = userPrincipal(request.principal);
        accounts.logout(p.sessionId);
        ctx.audit.record({ actor: actorName(p), action: 'auth.logout', ip: request.ip });
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
        return { ok: true as const };
      },
    );

    app.get(
      '/api/auth/session',
      { config: { access: 'staff' }, schema: { tags: ['auth'], response: { 200: SessionInfo } } },
      async (request) => {
        const p = userPrincipal(request.principal);
        return { user: p.user, csrfToken: p.csrfToken };
      },
    );

    app.post(
      '/api/auth/password',
      {
        config: { access: 'staff', rateLimit: { max: 10, timeWindow: '1 minute' } },
        schema: { tags: ['auth'], body: ChangePasswordBody, response: { 200: OkResponse } },
      },
      async (request) => {
        const p = userPrincipal(request.principal);
        const body = request.body as ChangePasswordBody;
        await accounts.changePassword(p.user.id, p.sessionId, body.currentPassword, body.newPassword);
        ctx.audit.record({
          actor: actorName(p),
          action: 'auth.password_changed',
          target: `user:${p.user.id}`,
          ip: request.ip,
        });
        return { ok: true as const };
      },
    );

    app.get(
      '/api/users',
      { config: { access: admin }, schema: { tags: ['users'], response: { 200: UserList } } },
      async () => ({
        users: accounts.store.listUsers().map(publicUser),
      }),
    );

    app.post(
      '/api/users',
      { config: { access: admin }, schema: { tags: ['users'], body: CreateUserBody, response: { 201: User } } },
      async (request, reply) => {
        const user = await accounts.createUser(request.body as CreateUserBody);
        ctx.audit.record({
          actor: actorName(request.principal),
          action: 'user.created',
          target: `user:${user.id}:${user.username}`,
          ip: request.ip,
          detail: { role: user.role, admin: user.admin, shopId: user.shopId },
        });
        return reply.status(201).send(user);
      },
    );

    app.patch(
      '/api/users/:id',
      {
        config: { access: admin },
        schema: { tags: ['users'], params: IdParams, body: UpdateUserBody, response: { 200: User } },
      },
      async (request) => {
        const { id } = request.params as IdParams;
        const body = request.body as UpdateUserBody;
        const p = request.principal;
        if (p?.kind === 'user' && p.user.id === id && (body.disabled || body.admin === false)) {
          throw new AppError(
            400,
            'VALIDATION_FAILED',
            'You cannot disable yourself or remove your own administrator rights.',
          );
        }
        const user = accounts.updateUser(id, body);
        ctx.audit.record({
          actor: actorName(p),
          action: 'user.updated',
          target: `user:${id}`,
          ip: request.ip,
          detail: { ...body },
        });
        return user;
      },
    );

    app.post(
      '/api/users/:id/password',
      {
        config: { access: admin },
        schema: { tags: ['users'], params: IdParams, body: ResetPasswordBody, response: { 200: OkResponse } },
      },
      async (request) => {
        const { id } = request.params as IdParams;
        await accounts.resetPassword(id, (request.body as { newPassword: string }).newPassword);
        ctx.audit.record({
          actor: actorName(request.principal),
          action: 'user.password_reset',
          target: `user:${id}`,
          ip: request.ip,
        });
        return { ok: true as const };
      },
    );

    app.get(
      '/api/api-keys',
      { config: { access: admin }, schema: { tags: ['api-keys'], response: { 200: ApiKeyList } } },
      async () => ({
        apiKeys: accounts.store.listApiKeys().map(({ createdBy: _c, ...k }) => k),
      }),
    );

    app.post(
      '/api/api-keys',
      {
        config: { access: admin },
        schema: { tags: ['api-keys'], body: CreateApiKeyBody, response: { 201: CreatedApiKey } },
      },
      async (request, reply) => {
        const body = request.body as CreateApiKeyBody;
        const p = request.principal;
        const { id, key } = accounts.createApiKey(body.name, body.role, p?.kind === 'user' ? p.user.id : null);
        ctx.audit.record({
          actor: actorName(p),
          action: 'apikey.created',
          target: `apikey:${id}`,
          ip: request.ip,
          detail: { role: body.role, name: body.name },
        });
        const { createdBy: _c, ...apiKey } = accounts.store.apiKeyById(id)!;
        return reply.status(201).send({ apiKey, key });
      },
    );

    app.delete(
      '/api/api-keys/:id',
      { config: { access: admin }, schema: { tags: ['api-keys'], params: IdParams, response: { 200: OkResponse } } },
      async (request) => {
        const { id } = request.params as IdParams;
        accounts.revokeApiKey(id);
        ctx.audit.record({
          actor: actorName(request.principal),
          action: 'apikey.revoked',
          target: `apikey:${id}`,
          ip: request.ip,
        });
        return { ok: true as const };
      },
    );

    app.get(
      '/api/audit',
      { config: { access: admin }, schema: { tags: ['audit'], querystring: AuditQuery, response: { 200: AuditList } } },
      async (request) => {
        const q = request.query as { limit?: number; beforeId?: number };
        return { entries: ctx.audit.list(q) };
      },
    );
  };
}
