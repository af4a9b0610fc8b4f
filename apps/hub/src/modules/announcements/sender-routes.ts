/** REST for city hall's policy per API key (machine senders): administrators read and set it; audited. */
import type { FastifyInstance } from 'fastify';
import type { HubContext } from '../../context';
import { actorName, admin } from '../../lib/principal';
import { tableRoutes } from '../../lib/route';
import { audited } from '../audit/store';
import type { AnnouncementsService } from './service';

const tags = ['announcements'];

export function senderPolicyRoutes(ctx: HubContext, service: AnnouncementsService) {
  return async function plugin(app: FastifyInstance): Promise<void> {
    const add = tableRoutes(app, tags);
    add('GET /api/announcements/sender-policies', { access: admin }, async () => ({
      policies: await service.senderPolicies(),
    }));

    add('PUT /api/announcements/sender-policies/:id', { access: admin }, async (request) => {
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
