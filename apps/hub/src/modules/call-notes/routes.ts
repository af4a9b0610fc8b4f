/** REST for call notes: the staff member who took a call writes; the household's watchers and city hall read. */
import type { FastifyInstance } from 'fastify';
import type { HubContext } from '../../context';
import { forbidden, notFound } from '../../lib/errors';
import { actorName, cityhallOrWatcher } from '../../lib/principal';
import { tableRoutes } from '../../lib/route';
import { callTakers } from '../calls/routes';
import { canSeeHousehold } from '../households/access';
import type { HouseholdsStore } from '../households/store';
import type { CallNotesService } from './service';

const tags = ['calls', 'watch'];

export function callNotesRoutes(ctx: HubContext, deps: { notes: CallNotesService; households: HouseholdsStore }) {
  const { notes, households } = deps;
  return async function plugin(app: FastifyInstance): Promise<void> {
    const add = tableRoutes(app, tags);
    add('POST /api/calls/:id/note', { access: callTakers }, async (request, reply) => {
      const p = request.principal;
      // A note is one person's word on one conversation: people only, not machine keys.
      if (p?.kind !== 'user') throw forbidden('Only the person who took the call can write its note.');
      const actor = actorName(p);
      const note = await notes.write(p.user, actor, request.params.id, request.body);
      await ctx.audit.record({
        actor,
        action: 'call.note_written',
        target: `household:${note.householdId}`,
        ip: request.ip,
        detail: { callId: note.callId, noteId: note.id, concern: note.concern },
      });
      return reply.code(201).send(note);
    });

    add('GET /api/watch/households/:householdId/call-notes', { access: cityhallOrWatcher }, async (request) => {
      const { householdId } = request.params;
      // Same answer for "not yours" and "does not exist", so watchers cannot probe ids.
      if (!(await households.get(householdId)) || !(await canSeeHousehold(request.principal, householdId, households)))
        throw notFound('household');
      return { notes: await notes.forHousehold(householdId) };
    });
  };
}
