/** The JMA capability: automatic alerts from JMA disaster-information XML (POST and feed poller). */
import type { HubCore } from '../../core';
import { lockKey } from '../../db/leader';
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
  const service = createJmaService(ctx, {
    store,
    sink: announcementsSink(needs.announcements),
    exclusive:
      ctx.sql.engine === 'postgres'
        ? (key, work) =>
            ctx.sql.transaction(async (tx) => {
              await tx.get('SELECT pg_advisory_xact_lock(?::bigint)', [lockKey(`jma:${key}`)]);
              return work();
            })
        : undefined,
  });
  await hub.app.register(jmaRoutes(ctx, service));
  const poller = createFeedPoller(ctx, {
    store,
    ingest: service.ingest,
    feeds: ctx.config.jma.feeds,
    pollSeconds: ctx.config.jma.pollSeconds,
  });
  // Polling runs in the hub only (never in the admin CLI), only when a feed is configured, and on one
  // hub among several (a job of ctx.jobs): the others would fetch the same telegrams (each is still
  // taken once, by its digest) and add load on JMA's server for nothing.
  if (ctx.config.jma.feeds.length > 0) {
    ctx.jobs.add('jma feeds', {
      start: () => poller.start(),
      stop: async () => {
        poller.stop();
        await poller.idle();
      },
    });
    if (ctx.backgroundJobs) ctx.health.register(feedHealthCheck(ctx, poller, store));
  }
  hub.app.addHook('preClose', async () => {
    poller.stop();
    await poller.idle();
  });
  return { service, poller };
}
