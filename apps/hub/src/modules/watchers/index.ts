/**
 * Watchers managed by city hall (issue 13): the list of watcher accounts with the households each
 * watches and at which level, new watcher accounts with an invitation code instead of a password
 * city hall would see, and the watcher setting their password with that code.
 */
import { randomInt } from 'node:crypto';
import { INVITATION_ALPHABET, type WatcherInvitation } from '@tsunagu/protocol';
import type { FastifyInstance } from 'fastify';
import type { HubCore } from '../../core';
import { AppError, notFound } from '../../lib/errors';
import { actorName, cityhall } from '../../lib/principal';
import { tableRoutes } from '../../lib/route';
import { randomToken, sha256 } from '../../lib/secrets';
import { audited } from '../audit/store';
import { createWatchersStore } from './store';

export const INVITATION_DAYS = 7;

/** XXXX-XXXX-XXXX from letters and digits that are not mistaken for each other. */
export function invitationCode(): string {
  const chars = Array.from({ length: 12 }, () => INVITATION_ALPHABET[randomInt(INVITATION_ALPHABET.length)]);
  return [0, 4, 8].map((i) => chars.slice(i, i + 4).join('')).join('-');
}
/** The code as stored: upper case, without dashes (people type it either way). */
const codeHash = (code: string) => sha256(code.toUpperCase().replace(/-/g, ''));
const invalid = () =>
  new AppError(
    400,
    'INVITATION_INVALID',
    'This invitation code is not known, was already used or has expired. Ask city hall for a new one.',
  );

export async function registerWatchers(core: HubCore): Promise<void> {
  const { ctx } = core;
  const store = createWatchersStore(ctx.sql);
  const accounts = core.services.accounts;
  const watcherOr404 = async (id: number) => {
    const w = await store.get(id, ctx.clock.now());
    if (!w) throw notFound('watcher');
    return w;
  };
  const invite = async (userId: number, createdBy: string): Promise<WatcherInvitation> => {
    const code = invitationCode();
    const now = ctx.clock.now();
    const expiresAt = now + INVITATION_DAYS * 86_400_000;
    await store.invite({ userId, codeHash: codeHash(code), createdBy, now, expiresAt });
    return { watcher: await watcherOr404(userId), code, expiresAt: new Date(expiresAt).toISOString() };
  };

  await core.app.register(async (app: FastifyInstance) => {
    const add = tableRoutes(app, ['watchers']);
    const addAuth = tableRoutes(app, ['auth']);
    add('GET /api/watchers', { access: cityhall }, async () => ({
      watchers: await store.list(ctx.clock.now()),
    }));

    add('POST /api/watchers', { access: cityhall }, async (request, reply) => {
      const body = request.body;
      const actor = actorName(request.principal);
      // Nobody knows this password: the watcher sets their own with the invitation.
      const user = await accounts.createUser({ ...body, role: 'watcher', password: randomToken(32) });
      const invitation = await invite(user.id, actor);
      await audited(ctx.audit, request, 'watcher.created', `user:${user.id}:${user.username}`, {
        watcherKind: body.watcherKind,
      });
      return reply.status(201).send(invitation);
    });

    add('PATCH /api/watchers/:id', { access: cityhall }, async (request) => {
      const { id } = request.params;
      await watcherOr404(id);
      await accounts.updateUser(id, request.body);
      await audited(ctx.audit, request, 'watcher.updated', `user:${id}`, { ...request.body });
      return await watcherOr404(id);
    });

    add('POST /api/watchers/:id/invitation', { access: cityhall }, async (request, reply) => {
      const { id } = request.params;
      if ((await watcherOr404(id)).disabled)
        throw new AppError(409, 'ACCOUNT_DISABLED', 'This watcher is switched off. Switch them on first.');
      const actor = actorName(request.principal);
      const invitation = await invite(id, actor);
      await audited(ctx.audit, request, 'watcher.invited', `user:${id}`);
      return reply.status(201).send(invitation);
    });

    addAuth(
      'POST /api/auth/invitation',
      { access: 'public', rateLimit: { max: 10, timeWindow: '1 minute' } },
      async (request) => {
        const { code, password } = request.body;
        const now = ctx.clock.now();
        const invitation = await store.invitationByHash(codeHash(code));
        const watcher = invitation && (await store.get(invitation.userId, now));
        if (!invitation || !watcher || invitation.usedAt !== null || invitation.expiresAt <= now || watcher.disabled) {
          await ctx.audit.record({ actor: 'anonymous', action: 'watcher.invitation_failed', ip: request.ip });
          throw invalid();
        }
        if (!(await store.useInvitation(invitation.id, now))) throw invalid();
        await accounts.resetPassword(watcher.id, password);
        await ctx.audit.record({
          actor: `user:${watcher.id}:${watcher.username}`,
          action: 'watcher.password_set',
          target: `user:${watcher.id}`,
          ip: request.ip,
        });
        return { username: watcher.username, displayName: watcher.displayName };
      },
    );
  });
}
