/**
 * The feed poller against a local HTTP server serving a JMA-style Atom feed built from the samples:
 * only the used types are fetched, each once; conditional GETs; backoff; metrics; restarts.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { JmaTelegramRecord, SystemStatus } from '@tsunagu/protocol';
import { buildApp } from '../../app';
import type { Hub } from '../../hub';
import { FakeClock } from '../../lib/clock';
import { as, createTestHub, sessionFor, type TestHub } from '../../testing/harness';
import { JMA_CITIES, JMA_TESTDATA, jmaSample } from '../../testing/jma';
import { createTestDatabase } from '../../testing/postgres';
import { until } from '../../testing/until';
import type { AnnouncementsService } from '../announcements';
import { parseAreas } from './areas';
import type { JmaCapability } from './index';

const METRICS_TOKEN = 'jma-feed-test-metrics-token';
const METRICS_AUTH = { authorization: `Bearer ${METRICS_TOKEN}` };

interface Entry {
  file: string;
  title: string;
  updated: string;
}

/** A JMA-like feed server: Atom at /feed.xml (ETag + Last-Modified honoured), documents under /data/. */
async function feedServer(entries: Entry[]) {
  const requests: { url: string; ifNoneMatch?: string; ifModifiedSince?: string }[] = [];
  let version = 1;
  let failNext = 0;
  // Answers the feed's headers and the start of its body, then nothing more.
  let stall = false;
  const state = { entries, extraLink: null as string | null };
  const atom = (base: string) => `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" lang="ja">
  <title>高頻度（地震火山）</title><id>urn:uuid:feed</id><updated>${new Date().toISOString()}</updated>
  ${[...state.entries]
    .reverse()
    .map(
      (e) => `<entry><title>${e.title}</title><id>urn:uuid:${e.file}</id><updated>${e.updated}</updated>
    <author><name>気象庁</name></author>
    <link type="application/xml" href="${state.extraLink && e.file === 'elsewhere' ? state.extraLink : `${base}/data/${e.file}`}"/>
    <content type="text">${e.title}</content></entry>`,
    )
    .join('\n  ')}
</feed>`;
  const server = http.createServer((req, res) => {
    requests.push({
      url: req.url ?? '',
      ...(req.headers['if-none-match'] ? { ifNoneMatch: String(req.headers['if-none-match']) } : {}),
      ...(req.headers['if-modified-since'] ? { ifModifiedSince: String(req.headers['if-modified-since']) } : {}),
    });
    if (failNext > 0) {
      failNext--;
      res.writeHead(503).end('busy');
      return;
    }
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    if (stall) {
      res.writeHead(200, { 'content-type': 'application/atom+xml' }).write('<?xml version="1.0"?><feed');
      return;
    }
    if (req.url === '/feed.xml') {
      const etag = `"v${version}"`;
      const lastModified = new Date(Date.UTC(2026, 0, 1, 0, version)).toUTCString();
      if (req.headers['if-none-match'] === etag) {
        res.writeHead(304, { etag }).end();
        return;
      }
      res
        .writeHead(200, { 'content-type': 'application/atom+xml', etag, 'last-modified': lastModified })
        .end(atom(base));
      return;
    }
    const file = (req.url ?? '').replace(/^\/data\//, '');
    const full = path.join(JMA_TESTDATA, path.basename(file));
    if (!fs.existsSync(full)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/xml' }).end(fs.readFileSync(full));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/feed.xml`;
  return {
    url,
    requests,
    add(entry: Entry) {
      state.entries.push(entry);
      version++;
    },
    failNext(n: number) {
      failNext = n;
    },
    stall(on: boolean) {
      stall = on;
    },
    /** Makes the entry called "elsewhere" link to this URL. */
    linkElsewhere(link: string) {
      state.extraLink = link;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const control = (file: string) => {
  const xml = jmaSample(file);
  return {
    file,
    title: /<Title>([^<]+)<\/Title>/.exec(xml)![1]!,
    updated: /<DateTime>([^<]+)<\/DateTime>/.exec(xml)![1]!,
  };
};

describe('JMA feed poller', () => {
  let server: Awaited<ReturnType<typeof feedServer>>;
  let hub: TestHub;
  let clock: FakeClock;
  let dataDir: string;
  let poller: JmaCapability['poller'];
  const build = async () => {
    hub = await createTestHub({
      clock,
      inMemory: false,
      config: {
        dataDir,
        metrics: { token: METRICS_TOKEN, listen: null },
        jma: { areas: parseAreas(JMA_CITIES.ishinomaki).areas, maxAgeSeconds: 0, feeds: [server.url], pollSeconds: 60 },
      },
    });
    poller = (hub.capabilities.jma as JmaCapability).poller;
  };
  /** Moves the clock on and waits for the poll that falls due. */
  const pollAfter = async (ms: number) => {
    clock.advance(ms);
    await poller.idle();
  };
  const records = async () =>
    (
      (
        await as(hub, sessionFor(hub, hub.fixture.users.cityhall))({ method: 'GET', url: '/api/jma/telegrams' })
      ).json() as { telegrams: JmaTelegramRecord[] }
    ).telegrams;
  const metric = async (name: string) => {
    const text = (await hub.app.inject({ method: 'GET', url: '/metrics', headers: METRICS_AUTH })).body;
    return text.split('\n').filter((l) => l.startsWith(name));
  };

  beforeEach(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jma-feed-'));
    clock = new FakeClock(Date.parse('2026-01-05T00:00:00Z'));
    server = await feedServer(
      [
        '36_02_01_100915_VXSE41.xml',
        '37_02_01_100915_VXSE40.xml',
        '32-35_06_03_100915_VXSE53.xml',
        '54_01_01_100514_VXSE42.xml',
        '32-39_11_02_120615_VTSE41.xml',
      ].map(control),
    );
  });
  afterEach(async () => {
    await hub.close();
    await server.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('fetches only the telegram types it uses, oldest first, and announces through the same rules', async () => {
    await build();
    await pollAfter(0);
    const fetched = server.requests.map((r) => r.url);
    expect(fetched).toEqual([
      '/feed.xml',
      '/data/37_02_01_100915_VXSE40.xml',
      '/data/32-35_06_03_100915_VXSE53.xml',
      '/data/32-39_11_02_120615_VTSE41.xml',
    ]);
    const list = await records();
    expect(list.map((r) => [r.kind, r.decision, r.source, r.receivedFrom])).toEqual([
      ['tsunami', 'announced', 'feed', server.url],
      ['quakeInfo', 'announced', 'feed', server.url],
      ['eew', 'announced', 'feed', server.url],
    ]);
    const announcements = hub.capabilities.announcements as AnnouncementsService;
    expect((await announcements.get(list[0]!.announcementId!)).titleJa).toBe('大津波警報　すぐ高い所へにげて');
    // Health in /metrics.
    expect(await metric('tsunagu_jma_feed_last_success_timestamp_seconds')).toEqual([
      `tsunagu_jma_feed_last_success_timestamp_seconds{feed="${server.url}"} ${clock.now() / 1000}`,
    ]);
    expect(await metric('tsunagu_jma_telegrams_total{source="feed",decision="announced"}')).toEqual([
      'tsunagu_jma_telegrams_total{source="feed",decision="announced"} 3',
    ]);
    const [lag] = await metric('tsunagu_jma_feed_lag_seconds');
    // The last entry (2011-03-11 05:49:59Z) processed at 2026-01-05.
    expect(Number(lag!.split(' ')[1])).toBe((clock.now() - Date.parse('2011-03-11T05:49:59Z')) / 1000);
  });

  it('asks again with If-None-Match / If-Modified-Since and fetches only new entries', async () => {
    await build();
    await pollAfter(0);
    server.requests.length = 0;
    await pollAfter(60_000);
    expect(server.requests).toEqual([{ url: '/feed.xml', ifNoneMatch: '"v1"', ifModifiedSince: expect.any(String) }]);
    expect(await metric('tsunagu_jma_feed_polls_total{feed')).toEqual([
      `tsunagu_jma_feed_polls_total{feed="${server.url}",outcome="ok"} 1`,
      `tsunagu_jma_feed_polls_total{feed="${server.url}",outcome="not_modified"} 1`,
    ]);

    server.add(control('37_02_03_100915_VXSE40.xml'));
    server.requests.length = 0;
    await pollAfter(60_000);
    expect(server.requests.map((r) => r.url)).toEqual(['/feed.xml', '/data/37_02_03_100915_VXSE40.xml']);
    expect((await records())[0]).toMatchObject({ kind: 'eew', infoType: 'cancel', decision: 'ignored' });
  });

  it('backs off after failures (60 s × 2ⁿ) and recovers', async () => {
    await build();
    server.failNext(2);
    await pollAfter(0);
    expect(server.requests).toHaveLength(1);
    // First failure: the next try after 120 s, not 60 s.
    await pollAfter(60_000);
    expect(server.requests).toHaveLength(1);
    await pollAfter(60_000);
    expect(server.requests).toHaveLength(2);
    // Second failure: 240 s.
    await pollAfter(239_000);
    expect(server.requests).toHaveLength(2);
    await pollAfter(1_000);
    expect(server.requests.length).toBeGreaterThan(2);
    expect(await records()).toHaveLength(3);
    expect(await metric('tsunagu_jma_feed_polls_total{feed')).toContain(
      `tsunagu_jma_feed_polls_total{feed="${server.url}",outcome="error"} 2`,
    );
  });

  it('is a readiness check and tsunagu_poller_lag_seconds: ok after a read, a warning after 3 failures, stale after 15 minutes', async () => {
    await build();
    const jmaCheck = async () =>
      (await hub.app.inject({ method: 'GET', url: '/readyz', headers: METRICS_AUTH }))
        .json<SystemStatus>()
        .checks.find((c) => c.name === 'jma');
    await pollAfter(0);
    expect(await jmaCheck()).toMatchObject({ status: 'ok', critical: false, values: { lagSeconds: 0, failures: 0 } });
    expect(await metric('tsunagu_poller_lag_seconds{poller="jma"}')).toEqual([
      'tsunagu_poller_lag_seconds{poller="jma"} 0',
    ]);
    // Every poll fails from now on: at +60 s, then +120 s and +240 s later (backoff).
    server.failNext(10);
    for (const step of [60_000, 120_000, 240_000]) {
      await pollAfter(step);
    }
    expect(await jmaCheck()).toMatchObject({
      status: 'warn',
      reason: 'unreachable',
      values: { lagSeconds: 420, failures: 3 },
    });
    await pollAfter(481_000);
    expect(await jmaCheck()).toMatchObject({ status: 'fail', reason: 'stale', values: { lagSeconds: 901 } });
    expect(await metric('tsunagu_poller_lag_seconds{poller="jma"}')).toEqual([
      'tsunagu_poller_lag_seconds{poller="jma"} 901',
    ]);
    // Not critical: every hub shares the feed, so this one stays in the load balancer.
    expect((await hub.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  });

  it('gives up a feed that stops answering after 15 s on the hub clock (not the wall clock), then backs off', async () => {
    const timers = jest.spyOn(clock, 'setTimeout');
    await build();
    server.stall(true);
    clock.advance(0);
    // The request is in: the server has sent the start of the feed and then nothing.
    while (server.requests.length === 0) await new Promise((resolve) => setImmediate(resolve));
    // Its deadline is on the hub's clock.
    expect(timers).toHaveBeenCalledWith(expect.any(Function), 15_000);
    let done = false;
    const polled = poller.idle().then(() => {
      done = true;
    });
    clock.advance(14_999);
    await new Promise((resolve) => setImmediate(resolve));
    expect(done).toBe(false);
    clock.advance(1);
    await polled;
    expect(await metric('tsunagu_jma_feed_polls_total{feed')).toEqual([
      `tsunagu_jma_feed_polls_total{feed="${server.url}",outcome="error"} 1`,
    ]);
    expect(await records()).toHaveLength(0);
    // Backoff after one failure: 120 s from the failure.
    server.stall(false);
    await pollAfter(119_999);
    expect(server.requests).toHaveLength(1);
    await pollAfter(1);
    expect(await records()).toHaveLength(3);
  });

  it('a hub that stops does not wait for a feed that stopped answering', async () => {
    await build();
    server.stall(true);
    clock.advance(0);
    while (server.requests.length === 0) await new Promise((resolve) => setImmediate(resolve));
    // preClose stops the poller and waits for it: the request is aborted, not left to its deadline.
    await hub.close();
    await poller.idle();
    expect(server.requests).toHaveLength(1);
  });

  it('a restarted hub remembers what it fetched: nothing is fetched or announced again', async () => {
    await build();
    await pollAfter(0);
    // Stopped, its database kept for the restart (dropped with the hub after the test).
    await hub.app.close();
    server.add(control('37_02_03_100915_VXSE40.xml'));
    server.requests.length = 0;
    const config = hub.ctx.config;
    const restarted = await buildApp({ clock, config });
    try {
      const jma = restarted.capabilities.jma as JmaCapability;
      clock.advance(0);
      await jma.poller.idle();
      // The feed changed (new ETag): only the new entry is fetched.
      expect(server.requests.map((r) => r.url)).toEqual(['/feed.xml', '/data/37_02_03_100915_VXSE40.xml']);
      expect((await jma.service.list(10)).map((r) => r.decision)).toEqual([
        'ignored',
        'announced',
        'announced',
        'announced',
      ]);
      expect(
        await restarted.app.inject({ method: 'GET', url: '/metrics', headers: METRICS_AUTH }).then((r) => r.body),
      ).toContain(`tsunagu_jma_feed_last_success_timestamp_seconds{feed="${server.url}"} ${clock.now() / 1000}`);
    } finally {
      await restarted.app.close();
    }
  });

  it('never follows an entry link to another host', async () => {
    // Another origin: the same server under another name (localhost), which the poller must not ask.
    server.add({ file: 'elsewhere', title: '震度速報', updated: '2026-01-05T00:00:00Z' });
    server.linkElsewhere(
      server.url.replace('127.0.0.1', 'localhost').replace('/feed.xml', '/data/32-35_01_01_100806_VXSE51.xml'),
    );
    await build();
    await pollAfter(0);
    expect(server.requests.map((r) => r.url)).not.toContain('/data/32-35_01_01_100806_VXSE51.xml');
    expect(await records()).toHaveLength(3);
    expect(await metric('tsunagu_jma_feed_polls_total{feed')).toEqual([
      `tsunagu_jma_feed_polls_total{feed="${server.url}",outcome="ok"} 1`,
    ]);
  });
});

describe('JMA feed poller with two hubs on one PostgreSQL', () => {
  it('polls on the hub running the jobs only; the other reports its reads and failures and takes over when it stops', async () => {
    const server = await feedServer(['37_02_01_100915_VXSE40.xml', '32-35_06_03_100915_VXSE53.xml'].map(control));
    const database = await createTestDatabase();
    const clock = new FakeClock(Date.parse('2026-01-05T00:00:00Z'));
    const config = {
      database: { engine: 'postgres' as const, url: database.url },
      metrics: { token: METRICS_TOKEN, listen: null },
      jma: { areas: parseAreas(JMA_CITIES.ishinomaki).areas, maxAgeSeconds: 0, feeds: [server.url], pollSeconds: 60 },
    };
    const a = await createTestHub({ clock, config });
    let b: Hub | null = null;
    try {
      await until(() => a.ctx.jobs.leading, 20_000);
      b = await buildApp({ inMemory: true, clock, config });
      const jma = (hub: Hub) => hub.capabilities.jma as JmaCapability;
      const jmaCheck = async (hub: Hub) =>
        (await hub.app.inject({ method: 'GET', url: '/readyz', headers: METRICS_AUTH }))
          .json<SystemStatus>()
          .checks.find((c) => c.name === 'jma');
      clock.advance(0);
      await Promise.all([jma(a).poller.idle(), jma(b).poller.idle()]);
      // One poll of the feed and one fetch per entry, all from hub A; hub B does not poll.
      expect(server.requests.map((r) => r.url).sort()).toEqual([
        '/data/32-35_06_03_100915_VXSE53.xml',
        '/data/37_02_01_100915_VXSE40.xml',
        '/feed.xml',
      ]);
      expect([jma(a).poller.polling(), jma(b).poller.polling()]).toEqual([true, false]);
      // Hub B reports the feed as read (by hub A, as stored), not as stale since its own start.
      clock.advance(20 * 60_000);
      await jma(a).poller.idle();
      expect(await jmaCheck(b)).toMatchObject({ status: 'ok', values: { lagSeconds: 0 } });
      // Hub A's polls fail three times in a row: hub B reports them too (stored), not 0 failures.
      server.failNext(3);
      for (let i = 0; i < 3; i++) await jma(a).poller.poll(server.url);
      expect(await jmaCheck(b)).toMatchObject({ status: 'warn', values: { failures: 3 } });
      // Read again: no failures, on hub B too.
      await jma(a).poller.poll(server.url);
      expect(await jmaCheck(b)).toMatchObject({ status: 'ok', values: { failures: 0 } });

      // Hub A stops: hub B takes the poller over within seconds, with what hub A stored (ETag).
      server.requests.length = 0;
      await a.close();
      await until(() => b!.ctx.jobs.leading && jma(b!).poller.polling(), 20_000);
      clock.advance(0);
      await jma(b).poller.idle();
      expect(server.requests).toEqual([{ url: '/feed.xml', ifNoneMatch: '"v1"', ifModifiedSince: expect.any(String) }]);
      expect((await jma(b).service.list(10)).map((r) => r.decision)).toEqual(['announced', 'announced']);
    } finally {
      await a.close();
      await b?.app.close();
      await server.close();
      await database.drop();
    }
  });

  it('takes a telegram sent to both hubs at once once: one announces, the other answers a duplicate', async () => {
    const database = await createTestDatabase();
    const config = {
      database: { engine: 'postgres' as const, url: database.url },
      jma: { areas: parseAreas(JMA_CITIES.ishinomaki).areas, maxAgeSeconds: 0, feeds: [], pollSeconds: 60 },
    };
    const a = await createTestHub({ config });
    const b = await buildApp({ inMemory: true, config });
    try {
      const raw = Buffer.from(jmaSample('37_02_01_100915_VXSE40.xml'));
      const results = await Promise.all(
        [a, b].map((hub) =>
          (hub.capabilities.jma as JmaCapability).service.ingest(raw, { source: 'api', name: 'k', ip: null }),
        ),
      );
      expect(results.map((r) => r.decision).sort()).toEqual(['announced', 'duplicate']);
      const announced = await (a.capabilities.announcements as AnnouncementsService).list(10);
      expect(announced).toHaveLength(1);
      expect(results.map((r) => r.announcementId)).toEqual([announced[0]!.id, announced[0]!.id]);
    } finally {
      await a.close();
      await b.app.close();
      await database.drop();
    }
  });
});
