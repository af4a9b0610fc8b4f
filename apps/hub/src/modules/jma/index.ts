/** The JMA capability: automatic alerts from JMA disaster-information XML (POST and feed poller). */
import type { Hub } from '../../app';
import type { AnnouncementsService } from '../announcements';
import { announcementsSink } from './announcements-sink';
import { jmaRoutes } from './routes';
import { createJmaService, type JmaService } from './service';
import { createSqliteJmaStore } from './store';

export type { JmaService } from './service';

export async function registerJma(hub: Hub): Promise<JmaService> {
  const store = createSqliteJmaStore(hub.ctx.db);
  const announcements = hub.capabilities.announcements as AnnouncementsService;
  const service = createJmaService(hub.ctx, { store, sink: announcementsSink(announcements) });
  await hub.app.register(jmaRoutes(hub.ctx, service));
  return service;
}
