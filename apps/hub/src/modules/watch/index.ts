/** The check-ins and watch capability (issues 5, 16): check-in plans, signs of life, escalation, help requests, terminal health. */
import type { HubCore } from '../../core';
import type { AnnouncementsService } from '../announcements';
import { createCheckinReads, createSqliteCheckinsStore } from '../checkins/store';
import { createPostgresCheckinsStore } from '../checkins/store-postgres';
import { MINUTE } from './parts';
import { watchRoutes } from './routes';
import { createWatchService, type WatchService } from './service';
import { registerWatchSockets } from './socket';
import { createWatchStore } from './store';

export type { WatchService } from './service';

export async function registerWatch(
  hub: HubCore,
  needs: { announcements: AnnouncementsService },
): Promise<WatchService> {
  const sql = hub.ctx.sql;
  // The write path's group commit has a statement of its own per engine (checkins/store-postgres.ts).
  const checkins = hub.pg ? createPostgresCheckinsStore(hub.pg) : createSqliteCheckinsStore(hub.ctx.db);
  const alerts = createWatchStore(sql);
  const households = hub.stores.households;
  const { help } = hub.ctx.config;
  const service = createWatchService(
    hub.ctx,
    {
      checkins,
      alerts,
      unitOfWork: (work, options) =>
        sql.transaction((tx) => work({ checkins: createCheckinReads(tx), alerts: createWatchStore(tx) }), options),
      households,
      connectedCount: (id) => hub.services.terminals.connectedCount(id),
      userName: async (id) => (await hub.stores.accounts.userById(id))?.displayName ?? null,
      async unansweredHouseholds(announcementId) {
        // A cancelled safety check asks nothing any more.
        if ((await needs.announcements.get(announcementId)).status === 'cancelled') return [];
        return (await needs.announcements.followUps(announcementId, 'district'))
          .filter((f) => f.state === 'not_answered')
          .map((f) => f.householdId);
      },
    },
    { urgentAckMs: help.ackMinutes * MINUTE, safetyUnansweredMs: help.safetyUnansweredMinutes * MINUTE },
  );
  registerWatchSockets(hub.ctx, { service, alerts, households });
  await hub.app.register(watchRoutes(hub.ctx, { service, alerts, households }));
  // Check-ins queued for the group commit are written before the database closes.
  hub.app.addHook('preClose', async () => service.stop());
  // One runner of the schedule among hubs, none in short-lived processes on the same database
  // (admin CLI): paused until this hub runs the job.
  void service.schedule.stop();
  hub.ctx.jobs.add('watch ladder', service.schedule);
  // On SQLite the first tick (started by the job) has run when the hub is built: its reads are in
  // process. On PostgreSQL the hub does not wait for it (a round trip per read: 2-3 s with 1,000
  // households, more with 10,000): it is ready meanwhile, and the tick does what is due as it goes.
  if (hub.ctx.jobs.leading && hub.ctx.sql.engine === 'sqlite') await service.settle();
  return service;
}
