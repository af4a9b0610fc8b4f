/** The JMA capability: automatic alerts from JMA disaster-information XML (POST and feed poller). */
import type { HubCore } from '../../core';
import type { AnnouncementsService } from '../announcements';
import { announcementsSink } from './announcements-sink';
import { createFeedPoller, type FeedPoller, feedHealthCheck } from './feed';
import { jmaRoutes } from './routes';
import { createJmaService, type JmaService } from './service';
import { createJmaStore } from './store';

export type { JmaService } from './service';

export interface JmaCapability {
  service: JmaService;
  poller: FeedPoller;
}

export async function registerJma(
  hub: HubCore,
  needs: { announcements: AnnouncementsService },
): Promise<JmaCapability> {
  const { ctx } = hub;
  const store = createJmaStore(ctx.sql);
  const service = createJmaService(ctx, { store, sink: announcementsSink(needs.announcements) });
  await hub.app.register(jmaRoutes(ctx, service));
  const poller = createFeedPoller(ctx, {
    store,
    ingest: service.ingest,
    feeds: ctx.config.jma.feeds,
    pollSeconds: ctx.config.jma.pollSeconds,
  });
  // Polling runs in the hub only (never in the admin CLI), and only when a feed is configured.
  if (ctx.backgroundJobs && ctx.config.jma.feeds.length > 0) {
    poller.start();
    ctx.health.register(feedHealthCheck(ctx, poller));
  }
  hub.app.addHook('preClose', async () => {
    poller.stop();
    await poller.idle();
  });
  return { service, poller };
}
