/**
 * Every conversation counts: after a call the staff member who took it writes how the resident
 * seemed; a concern (worried / needs a visit / urgent) opens a watch alert for the household's
 * watchers, as a worried delivery note does. Notes are read by the household's watchers and city
 * hall, never by other shops.
 */
import type { CallNote, CallNoteBody, User } from '@tsunagu/protocol';
import type { HubContext } from '../../context';
import { AppError, badRequest, notFound } from '../../lib/errors';
import type { Calls } from '../calls/service';
import type { CallNoteRecord, CallNotesStore } from './store';

export interface CallNotesService {
  write(user: User, actor: string, callId: number, body: CallNoteBody): Promise<CallNote>;
  forHousehold(householdId: number): Promise<CallNote[]>;
}

const iso = (t: number) => new Date(t).toISOString();
export const toCallNote = (r: CallNoteRecord): CallNote => ({
  id: r.id,
  callId: r.callId,
  householdId: r.householdId,
  householdName: r.householdName,
  shopId: r.shopId,
  shopName: r.shopName,
  shopKind: r.shopKind,
  authorName: r.authorName,
  note: r.note,
  concern: r.concern,
  callAt: iso(r.callAt),
  writtenAt: iso(r.writtenAt),
});

export function createCallNotesService(
  ctx: HubContext,
  deps: { store: CallNotesStore; calls: Pick<Calls, 'record'> },
): CallNotesService {
  const { store, calls } = deps;
  return {
    async write(user, actor, callId, body) {
      const call = await calls.record(callId);
      // Same answer for another shop's call and no call, so staff cannot probe ids.
      if (!call || call.shopId !== user.shopId) throw notFound('call');
      if (call.operatorId !== user.id)
        throw new AppError(403, 'NOT_CALL_PARTY', 'Only the person who took this call can write its note.');
      if (call.endedAt === null) throw new AppError(409, 'CALL_NOT_ENDED', 'Write the note when the call has ended.');
      if (call.answeredAt === null)
        throw new AppError(409, 'CALL_NOT_ANSWERED', 'Nobody answered this call, so there is nothing to note.');
      const note = body.note.trim();
      if (note === '')
        throw badRequest(
          'VALIDATION_FAILED',
          body.concern
            ? 'Write what worried you, so the watchers know what to look at.'
            : 'Write a few words about how the resident seemed.',
          [{ path: 'note', message: 'required' }],
        );
      const writtenAt = ctx.clock.now();
      const id = await store.create({
        callId,
        householdId: call.householdId,
        authorId: user.id,
        authorName: user.displayName,
        note,
        concern: body.concern,
        writtenAt,
      });
      if (id === null) throw new AppError(409, 'CALL_NOTE_EXISTS', 'This call has a note already.');
      if (body.concern)
        ctx.events.emit('household.concern', {
          householdId: call.householdId,
          source: `call:${callId}:${actor}`,
          note,
          urgency: body.concern,
          at: writtenAt,
        });
      const saved = await store.get(id);
      if (!saved) throw new Error('The call note was not stored.');
      return toCallNote(saved);
    },

    forHousehold: async (householdId) => (await store.forHousehold(householdId, 100)).map(toCallNote),
  };
}
