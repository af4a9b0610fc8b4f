/** The announcements capability: emergency alerts and notices, the CAP gateway, delivery and receipts. */
import type { HubCore } from '../../core';
import { capFeedRoutes } from './cap/feed-routes';
import { createReceiptsStore, createSqliteReceiptsStore } from './receipt-store';
import { createRecordingsStore } from './recording-store';
import { announcementsRoutes } from './routes';
import { senderPolicyRoutes } from './sender-routes';
import { createSendersStore } from './sender-store';
import { type AnnouncementsService, createAnnouncementsService } from './service';
import { registerAnnouncementSockets } from './socket';
import { registerSpeech } from './speech';
import { createAnnouncementsStore } from './store';

export type { AnnouncementsService } from './service';

export async function registerAnnouncements(hub: HubCore): Promise<AnnouncementsService> {
  const store = createAnnouncementsStore(hub.ctx.sql);
  const receipts =
    hub.ctx.sql.engine === 'sqlite' ? createSqliteReceiptsStore(hub.ctx.db) : createReceiptsStore(hub.ctx.sql);
  // The clip's check asks the kept targets of the published announcements first (set once the
  // service exists): every terminal of the city asks within seconds of an alert. The fast path
  // answers only from them; the route asks the database when they do not say.
  let kept: AnnouncementsService['targetedNow'] = () => undefined;
  const speech = await registerSpeech(hub, {
    targetedNow: (id, householdId) => kept(id, householdId),
    isTargeted: async (id, householdId) => kept(id, householdId) ?? receipts.isTargeted(id, householdId),
  });
  const service = createAnnouncementsService(hub.ctx, {
    store,
    receipts,
    senders: createSendersStore(hub.ctx.sql),
    recordings: createRecordingsStore(hub.ctx.sql),
    households: hub.stores.households,
    apiKeyExists: async (id) => (await hub.stores.accounts.apiKeyById(id)) !== undefined,
    speech,
  });
  kept = service.targetedNow;
  registerAnnouncementSockets(hub.ctx, service);
  // An older hub kept city hall's recordings as files: they move into the database before any is asked for.
  await service.importRecordings();
  // For the "emergency not delivered" alert (docs/prometheus): read at scrape time.
  const undelivered = () => receipts.undeliveredEmergencies();
  hub.ctx.metrics.operations.emergencyOldestUndelivered.sample(async () => {
    const { oldestPublishedAt } = await undelivered();
    return oldestPublishedAt === null ? 0 : Math.max(0, (hub.ctx.clock.now() - oldestPublishedAt) / 1000);
  });
  hub.ctx.metrics.operations.emergencyUndeliveredTerminals.sample(async () => (await undelivered()).terminals);
  await hub.app.register(announcementsRoutes(hub.ctx, service));
  await hub.app.register(senderPolicyRoutes(hub.ctx, service));
  await hub.app.register(capFeedRoutes(hub.ctx, { store, households: hub.stores.households }));
  // After the sockets have closed (their preClose runs first) and before the database closes.
  hub.app.addHook('preClose', async () => service.stop());
  // Scheduled sends and expiries run in the hub only, not in the admin CLI on the same database,
  // and on one hub among several (the one running the jobs, see delivery.ts).
  if (hub.ctx.backgroundJobs) await service.start();
  hub.ctx.jobs.add('announcement timers', service.timers);
  if (hub.ctx.jobs.leading) await service.timers.ready();
  return service;
}
