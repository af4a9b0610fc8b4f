/** The call-notes capability (issue 16): a note and concern after each shop or listening call. */
import type { HubCore } from '../../core';
import type { Calls } from '../calls/service';
import { callNotesRoutes } from './routes';
import { type CallNotesService, createCallNotesService } from './service';
import { createCallNotesStore } from './store';

export type { CallNotesService } from './service';

export async function registerCallNotes(hub: HubCore, needs: { calls: Calls }): Promise<CallNotesService> {
  const notes = createCallNotesService(hub.ctx, { store: createCallNotesStore(hub.ctx.sql), calls: needs.calls });
  await hub.app.register(callNotesRoutes(hub.ctx, { notes, households: hub.stores.households }));
  return notes;
}
