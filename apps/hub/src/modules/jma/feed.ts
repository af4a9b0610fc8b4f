/**
 * The feed poller for JMA's PULL-type Atom feeds (e.g. https://www.data.jma.go.jp/developer/xml/feed/eqvol.xml):
 * conditional GETs (ETag / Last-Modified), only entries of the telegram types the gateway uses,
 * oldest first, each fetched once (remembered across restarts), exponential backoff on failure,
 * and its health in /metrics. Off unless TSUNAGU_JMA_FEEDS names a feed.
 */
import { Counter, Gauge } from 'prom-client';
import type { HubContext } from '../../context';
import type { TimerHandle } from '../../lib/clock';
import type { CheckResult, HealthCheck } from '../../plugins/health';
import type { IngestFrom, IngestResult } from './service';
import type { JmaStore } from './store';
import { attr, child, children, JmaError, readXml, text } from './xml';

/** Entry titles (= Control/Title) of the types the gateway uses; nothing else is fetched. */
export const FEED_TITLES = new Set([
  '緊急地震速報（警報）',
  '震度速報',
  '震源・震度に関する情報',
  '津波警報・注意報・予報a',
  '津波警報・注意報・予報',
]);
/** JMA's long feeds hold a few thousand entries. */
const MAX_FEED_BYTES = 16 * 1024 * 1024;
const MAX_ENTRY_BYTES = 2 * 1024 * 1024;
const FETCH_TIMEOUT_MS = 15_000;
const MAX_BACKOFF_MS = 15 * 60_000;
/** Fetched entries are remembered this long (JMA keeps entries on its feeds for a few days). */
const REMEMBER_MS = 14 * 24 * 3_600_000;

export interface FeedEntry {
  id: string;
  title: string;
  updated: number | null;
  link: string;
}

/** Parses an Atom feed (with the gateway's XML guards) into its entries. */
export function parseFeed(raw: Buffer): FeedEntry[] {
  const feed = child(readXml(raw, MAX_FEED_BYTES).doc, 'feed');
  if (!feed) throw new JmaError(400, 'JMA_FEED_INVALID', 'This is not an Atom feed (no <feed> root).');
  return children(feed, 'entry').map((e) => {
    const links = children(e, 'link');
    const link = links.find((l) => attr(l, 'type') === 'application/xml') ?? links[0];
    const updated = Date.parse(text(e, 'updated'));
    return {
      id: text(e, 'id'),
      title: text(e, 'title'),
      updated: Number.isNaN(updated) ? null : updated,
      link: attr(link, 'href'),
    };
  });
}

/** The body, refusing more than `max` bytes however the server sends it. */
async function readLimited(res: Response, max: number): Promise<Buffer> {
  const length = Number(res.headers.get('content-length') ?? '0');
  if (length > max) throw new Error(`response of ${length} bytes is over the ${max}-byte limit`);
  const chunks: Buffer[] = [];
  let total = 0;
  if (!res.body) return Buffer.alloc(0);
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel();
      throw new Error(`response is over the ${max}-byte limit`);
    }
    chunks.push(Buffer.from(value));
  }
  return Buffer.concat(chunks);
}

export interface FeedPoller {
  start(): void;
  stop(): void;
  /** Whether this hub polls (it runs the 'jma feeds' job). */
  polling(): boolean;
  /** Polls one feed now (tests, and the scheduler). */
  poll(url: string): Promise<void>;
  /** Resolves when no poll is running. */
  idle(): Promise<void>;
  /** Per feed: when it was last read successfully (ms, null if never since start) and failures in a row. */
  status(): { url: string; lastSuccessAt: number | null; failures: number; since: number }[];
}

export function createFeedPoller(
  ctx: HubContext,
  deps: {
    store: JmaStore;
    ingest: (raw: Buffer, from: IngestFrom) => Promise<IngestResult>;
    feeds: string[];
    pollSeconds: number;
    fetch?: typeof fetch;
  },
): FeedPoller {
  const { store } = deps;
  const { clock } = ctx;
  const doFetch = deps.fetch ?? fetch;
  const registers = [ctx.metrics.registry];
  const polls = new Counter({
    name: 'tsunagu_jma_feed_polls_total',
    help: 'JMA feed polls, by feed and outcome (ok, not_modified, error)',
    labelNames: ['feed', 'outcome'],
    registers,
  });
  const lastSuccess = new Gauge({
    name: 'tsunagu_jma_feed_last_success_timestamp_seconds',
    help: 'When each JMA feed was last read successfully (Unix time)',
    labelNames: ['feed'],
    registers,
  });
  const lag = new Gauge({
    name: 'tsunagu_jma_feed_lag_seconds',
    help: 'For the last telegram fetched from a feed: seconds from its entry time to its processing',
    labelNames: ['feed'],
    registers,
  });
  const failures = new Map<string, number>();
  const timers = new Map<string, TimerHandle>();
  const running = new Set<Promise<void>>();
  /** Requests under way: a stopping hub aborts them instead of waiting for their deadline. */
  const requests = new Set<AbortController>();
  let stopped = true;
  let startedAt = clock.now();
  const lastSuccessAt = new Map<string, number>();

  /**
   * One GET, its answer and body within FETCH_TIMEOUT_MS on the hub's clock (injected, so tests
   * decide when a server that does not answer is given up, and a slow machine is not a timeout).
   */
  async function get(url: string, max: number, headers: Record<string, string> = {}) {
    const controller = new AbortController();
    requests.add(controller);
    const timer = clock.setTimeout(
      () => controller.abort(new Error(`no answer from ${url} within ${FETCH_TIMEOUT_MS / 1000} s`)),
      FETCH_TIMEOUT_MS,
    );
    try {
      const res = await doFetch(url, {
        headers: { 'user-agent': 'Tsunagu hub (JMA feed poller)', ...headers },
        signal: controller.signal,
      });
      if (!res.ok) await res.body?.cancel();
      const body = res.ok ? await readLimited(res, max) : Buffer.alloc(0);
      return { status: res.status, ok: res.ok, headers: res.headers, body };
    } finally {
      timer.cancel();
      requests.delete(controller);
    }
  }

  async function fetchEntry(feedUrl: string, entry: FeedEntry): Promise<void> {
    // Only documents on the feed's own host: a feed must not make the hub fetch arbitrary URLs.
    let link: URL;
    try {
      link = new URL(entry.link, feedUrl);
    } catch {
      link = new URL('invalid:');
    }
    if (link.origin !== new URL(feedUrl).origin) {
      ctx.log.warn({ feed: feedUrl, link: entry.link }, 'JMA feed entry links to another host: not fetched');
      await store.markEntryFetched(entry.id, clock.now());
      return;
    }
    const res = await get(link.href, MAX_ENTRY_BYTES);
    if (!res.ok) throw new Error(`entry ${link.href} answered ${res.status}`);
    try {
      await deps.ingest(res.body, { source: 'feed', name: feedUrl, ip: null });
    } catch (err) {
      // A document JMA will never send differently: remember it and move on.
      if (!(err instanceof JmaError)) throw err;
      ctx.log.warn({ feed: feedUrl, entry: entry.id, code: err.code, err: err.message }, 'JMA feed entry refused');
    }
    await store.markEntryFetched(entry.id, clock.now());
    if (entry.updated !== null) lag.set({ feed: feedUrl }, Math.max(0, (clock.now() - entry.updated) / 1000));
  }

  async function pollFeed(url: string): Promise<void> {
    const state = await store.feedState(url);
    const headers: Record<string, string> = {};
    if (state.etag) headers['if-none-match'] = state.etag;
    if (state.lastModified) headers['if-modified-since'] = state.lastModified;
    const res = await get(url, MAX_FEED_BYTES, headers);
    if (res.status === 304) {
      await store.saveFeedState(url, { ...state, lastSuccessAt: clock.now() });
      polls.inc({ feed: url, outcome: 'not_modified' });
      return;
    }
    if (!res.ok) throw new Error(`feed answered ${res.status}`);
    const listed = parseFeed(res.body).filter((e) => e.id && FEED_TITLES.has(e.title));
    const fetched = await Promise.all(listed.map((e) => store.entryFetched(e.id)));
    const entries = listed
      .filter((_, i) => !fetched[i])
      // Oldest first, so each event's telegrams apply in the order JMA issued them.
      .sort((a, b) => (a.updated ?? 0) - (b.updated ?? 0));
    for (const entry of entries) await fetchEntry(url, entry);
    // Validators are kept only once every entry has been handled, so a failure is retried in full.
    await store.saveFeedState(url, {
      etag: res.headers.get('etag'),
      lastModified: res.headers.get('last-modified'),
      lastSuccessAt: clock.now(),
    });
    await store.pruneEntries(clock.now() - REMEMBER_MS);
    polls.inc({ feed: url, outcome: 'ok' });
  }

  function schedule(url: string, delayMs: number) {
    timers.get(url)?.cancel();
    if (stopped) return;
    timers.set(
      url,
      clock.setTimeout(() => void poller.poll(url), delayMs),
    );
  }

  const poller: FeedPoller = {
    start() {
      if (!stopped) return;
      stopped = false;
      startedAt = clock.now();
      for (const url of deps.feeds) {
        // The last success before this start, unless a poll of this start got there first.
        void store
          .feedState(url)
          .then(({ lastSuccessAt: last }) => {
            if (last === null || lastSuccessAt.has(url)) return;
            lastSuccess.set({ feed: url }, last / 1000);
            lastSuccessAt.set(url, last);
          })
          .catch((err: unknown) => ctx.log.error({ err, feed: url }, 'JMA feed state could not be read'));
        schedule(url, 0);
      }
    },
    polling: () => !stopped,
    stop() {
      stopped = true;
      for (const t of timers.values()) t.cancel();
      timers.clear();
      for (const r of requests) r.abort(new Error('the hub is stopping'));
    },
    poll(url) {
      const run = pollFeed(url)
        .then(() => {
          failures.set(url, 0);
          lastSuccess.set({ feed: url }, clock.now() / 1000);
          lastSuccessAt.set(url, clock.now());
          schedule(url, deps.pollSeconds * 1000);
        })
        .catch(async (err: unknown) => {
          if (stopped) return;
          const n = (failures.get(url) ?? 0) + 1;
          failures.set(url, n);
          polls.inc({ feed: url, outcome: 'error' });
          // For the other hubs' /readyz (a lost database is reported by its own check).
          await store
            .feedFailed(url, n)
            .catch((e: unknown) => ctx.log.error({ err: e, feed: url }, 'JMA feed failure could not be stored'));
          const delay = Math.min(deps.pollSeconds * 1000 * 2 ** n, MAX_BACKOFF_MS);
          ctx.log.warn(
            { feed: url, err: (err as Error).message, failures: n, retryInMs: delay },
            'JMA feed poll failed',
          );
          schedule(url, delay);
        })
        .finally(() => running.delete(run));
      running.add(run);
      return run;
    },
    async idle() {
      while (running.size > 0) await Promise.all([...running]);
    },
    status() {
      return deps.feeds.map((url) => ({
        url,
        lastSuccessAt: lastSuccessAt.get(url) ?? null,
        failures: failures.get(url) ?? 0,
        since: startedAt,
      }));
    },
  };
  return poller;
}

/** A feed not read for this long is stale (the shipped alert rule fires at the same age). */
export const FEED_STALE_SECONDS = 900;

/**
 * The `jma` readiness check (not critical: every hub shares the feed, so taking this one out of the
 * load balancer would not help): stale when a feed has not been read for 15 minutes, a warning after
 * three failed polls in a row. Also keeps `tsunagu_poller_lag_seconds{poller="jma"}` current. A hub
 * that does not poll (another hub runs the jobs) reports the polling hub's last success and failed
 * polls in a row, stored.
 */
export function feedHealthCheck(ctx: HubContext, poller: FeedPoller, store: Pick<JmaStore, 'feedState'>): HealthCheck {
  const feedsNow = async () =>
    poller.polling()
      ? poller.status()
      : Promise.all(
          poller.status().map(async (f) => {
            const stored = await store.feedState(f.url);
            return { ...f, lastSuccessAt: stored.lastSuccessAt ?? f.lastSuccessAt, failures: stored.failures };
          }),
        );
  return {
    name: 'jma',
    critical: false,
    async run(): Promise<CheckResult> {
      const feeds = await feedsNow();
      const now = ctx.clock.now();
      const lagSeconds = Math.max(0, ...feeds.map((f) => (now - (f.lastSuccessAt ?? f.since)) / 1000));
      const failures = Math.max(0, ...feeds.map((f) => f.failures));
      ctx.metrics.operations.pollerLag.set({ poller: 'jma' }, lagSeconds);
      const values = { lagSeconds: Math.round(lagSeconds), failures };
      if (lagSeconds > FEED_STALE_SECONDS)
        return {
          status: 'fail',
          reason: 'stale',
          message: `A JMA feed has not been read for ${Math.round(lagSeconds / 60)} minutes (${failures} failed polls in a row).`,
          values,
        };
      if (failures >= 3)
        return {
          status: 'warn',
          reason: 'unreachable',
          message: `The last ${failures} polls of a JMA feed failed; retrying with backoff.`,
          values,
        };
      return { status: 'ok', message: `JMA feeds read ${Math.round(lagSeconds)} s ago.`, values };
    },
  };
}
