/** REST for city hall's policy per API key (machine senders): administrators read and set it; audited. */
import type { FastifyInstance } from 'fastify';
import type { HubContext } from '../../context';
import { actorName } from '../../lib/principal';
import { route } from '../../lib/route';
import { audited } from '../audit/store';
import type { AnnouncementsService } from './service';

const admin = { roles: ['cityhall'] as const, admin: true };
const tags = ['announcements'];

export function senderPolicyRoutes(ctx: HubContext, service: AnnouncementsService) {
  return async function plugin(app: FastifyInstance): Promise<void> {
    route(app, 'GET /api/announcements/sender-policies', { config: { access: admin }, tags }, async () => ({
      policies: await service.senderPolicies(),
    }));

    route(app, 'PUT /api/announcements/sender-policies/:id', { config: { access: admin }, tags }, async (request) => {
      const { id } = request.params;
      const body = request.body;
      const actor = actorName(request.principal);
      const before = (await service.senderPolicies()).find((p) => p.apiKeyId === id) ?? null;
      const after = await service.setSenderPolicy(id, body, actor);
      await audited(ctx.audit, request, 'announcement.sender_policy', `api_key:${id}`, {
        before: before && { capSender: before.capSender, publish: before.publish },
        after: { capSender: after.capSender, publish: after.publish },
      });
      return after;
    });
  };
}
