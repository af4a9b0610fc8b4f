/** The announcements capability: emergency alerts and notices, the CAP gateway, delivery and receipts. */
import type { HubCore } from '../../core';
import { createSqliteAccountReads } from '../accounts/store';
import { createSqliteHouseholdReads } from '../households/sqlite-reads';
import { capFeedRoutes } from './cap/feed-routes';
import { createReceiptsStore, createSqliteReceiptsStore, createSqliteTargetCheck } from './receipt-store';
import { announcementsRoutes } from './routes';
import { senderPolicyRoutes } from './sender-routes';
import { createSendersStore } from './sender-store';
import { type AnnouncementsService, createAnnouncementsService } from './service';
import { registerAnnouncementSockets } from './socket';
import { registerSpeech } from './speech';
import { createSqliteAnnouncementsStore } from './store';

export type { AnnouncementsService } from './service';

export async function registerAnnouncements(hub: HubCore): Promise<AnnouncementsService> {
  const store = createSqliteAnnouncementsStore(hub.ctx.db);
  const receipts =
    hub.ctx.sql.engine === 'sqlite' ? createSqliteReceiptsStore(hub.ctx.db) : createReceiptsStore(hub.ctx.sql);
  const speech = await registerSpeech(hub, {
    content: (id) => store.get(id),
    isTargeted: createSqliteTargetCheck(hub.ctx.db),
  });
  const apiKeys = createSqliteAccountReads(hub.ctx.db);
  const householdReads = createSqliteHouseholdReads(hub.ctx.db);
  const service = createAnnouncementsService(hub.ctx, {
    store,
    receipts,
    senders: createSendersStore(hub.ctx.sql),
    households: householdReads,
    apiKeyExists: (id) => apiKeys.apiKeyById(id) !== undefined,
    speech,
  });
  registerAnnouncementSockets(hub.ctx, service);
  // For the "emergency not delivered" alert (docs/prometheus): read at scrape time.
  const undelivered = () => receipts.undeliveredEmergencies();
  hub.ctx.metrics.operations.emergencyOldestUndelivered.sample(async () => {
    const { oldestPublishedAt } = await undelivered();
    return oldestPublishedAt === null ? 0 : Math.max(0, (hub.ctx.clock.now() - oldestPublishedAt) / 1000);
  });
  hub.ctx.metrics.operations.emergencyUndeliveredTerminals.sample(async () => (await undelivered()).terminals);
  await hub.app.register(announcementsRoutes(hub.ctx, service));
  await hub.app.register(senderPolicyRoutes(hub.ctx, service));
  await hub.app.register(capFeedRoutes(hub.ctx, { store, households: householdReads }));
  // After the sockets have closed (their preClose runs first) and before the database closes.
  hub.app.addHook('preClose', async () => service.stop());
  // Scheduled sends and expiries run in the hub only, not in the admin CLI on the same database.
  if (hub.ctx.backgroundJobs) service.start();
  return service;
}
