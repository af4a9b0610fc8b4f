/**
 * The dispatcher: when a watch alert reaches people (opened for them, or a level up), one delivery
 * per person, channel and address is stored, then sent; each attempt is recorded (sent / failed /
 * acknowledged / cancelled). Failures are tried again with backoff on the hub's clock (restart-safe:
 * pending deliveries carry their next attempt), counted in tsunagu_notification_failures_total, and
 * a channel that keeps failing shows as a warning on its readiness check (city hall's status page).
 *
 * Several hubs: any hub sends the deliveries of the alerts it raised, each attempt after claiming
 * the delivery (a conditional update moving its next attempt `CLAIM_MS` on), so one hub makes each
 * attempt; the retry timer is a job (one hub picks up what is due, also other hubs' retries). A
 * delivery is stored once per alert, level, person, channel and address (0063) and only the hub
 * that stored it sends it: the same level heard twice sends nothing twice. A hub that dies after a
 * channel took the message and before the attempt is recorded: it is sent again once the claim runs
 * out (at least once: no channel here can tell a message it already took, and a watcher told twice
 * is better than one not told because its hub died before sending).
 */
import type { WatchAlert } from '@tsunagu/protocol';
import { Counter } from 'prom-client';
import type { HubContext } from '../../context';
import type { TimerHandle } from '../../lib/clock';
import type { DomainEvents } from '../../lib/events';
import type { NotificationChannel, OutgoingMessage, SendOutcome } from './channel';
import { alertWords } from './compose';
import { LINK_LIFETIME_MS, type Links } from './links';
import type { DeliveryRecord, NewDelivery, NotificationsStore } from './store';

const MINUTE = 60_000;
/** Waits before each new attempt: 1, 2, 4, 8, 16 minutes (six attempts in about half an hour). */
export const RETRY_BACKOFF_MS = [1, 2, 4, 8, 16].map((m) => m * MINUTE);
/** A channel whose last this many attempts all failed is reported as failing (a warning for city hall). */
export const FAILING_AFTER = 3;
/**
 * How long an attempt holds its delivery: longer than a channel's timeouts (20 s a step), so an
 * attempt under way is not made again meanwhile; should its hub die, another tries it after this.
 */
export const CLAIM_MS = 2 * MINUTE;
/** Kinds city hall's disaster support team hears of, besides the household's watchers. */
const DISASTER_TEAM_KINDS: readonly WatchAlert['kind'][] = ['help_request', 'safety_unanswered'];

/** What the dispatcher needs of the watch. */
export interface WatchView {
  alert(alertId: number): Promise<WatchAlert | null>;
  alertChanged(alertId: number): Promise<void>;
  districtName(districtId: number): Promise<string | null>;
}

interface ChannelHealth {
  consecutiveFailures: number;
  lastError: string | null;
  lastSuccessAt: number | null;
}

export interface Dispatcher {
  alertRaised(e: DomainEvents['watch.alertRaised']): Promise<void>;
  alertSettled(e: DomainEvents['watch.alertSettled']): Promise<void>;
  /** The words and links of a delivery (what was or will be sent). */
  message(d: DeliveryRecord, alert: WatchAlert): Promise<OutgoingMessage>;
  /** The retry timer as a job (plugins/jobs.ts): one hub picks up the due deliveries. */
  retries: { start(): void; stop(): void };
  /** Resolves when no send is in flight (tests; closing). */
  settle(): Promise<void>;
  stop(): void;
}

export function createDispatcher(
  ctx: Pick<HubContext, 'clock' | 'log' | 'metrics' | 'health' | 'config'>,
  deps: {
    store: NotificationsStore;
    channels: NotificationChannel[];
    watch: WatchView;
    links: Links;
    /**
     * While running the retries, look at the database at least this often (PostgreSQL: other hubs
     * store retries this hub's timer does not know of); null (SQLite, one hub): at the next due time only.
     */
    pollMs: number | null;
  },
): Dispatcher {
  const { clock } = ctx;
  const { store, watch, links } = deps;
  const channels = new Map(deps.channels.map((c) => [c.name, c]));
  const health = new Map<string, ChannelHealth>();
  const inFlight = new Map<number, Promise<void>>();
  let timer: TimerHandle | null = null;
  let timerAt = Number.POSITIVE_INFINITY;
  let stopped = false;
  let polling = false;
  const dirtyAlerts = new Set<number>();

  const sent = new Counter({
    name: 'tsunagu_notifications_sent_total',
    help: 'Notifications sent about watch alerts, by channel',
    labelNames: ['channel'],
    registers: [ctx.metrics.registry],
  });

  for (const c of deps.channels) {
    health.set(c.name, { consecutiveFailures: 0, lastError: null, lastSuccessAt: null });
    ctx.health.register({
      name: c.name,
      critical: false,
      run() {
        const h = health.get(c.name)!;
        const values = { consecutiveFailures: h.consecutiveFailures };
        return h.consecutiveFailures >= FAILING_AFTER
          ? {
              status: 'warn',
              reason: 'failing',
              message: `The last ${h.consecutiveFailures} notifications by ${c.name} failed: ${h.lastError}`,
              values,
            }
          : { status: 'ok', message: `Notifications by ${c.name} are being sent.`, values };
      },
    });
  }

  /** Consoles hear of delivery changes once per turn, however many deliveries an alert has. */
  function alertChanged(alertId: number) {
    if (dirtyAlerts.size === 0)
      setImmediate(() => {
        const ids = [...dirtyAlerts];
        dirtyAlerts.clear();
        for (const id of ids)
          void watch.alertChanged(id).catch((err) => ctx.log.error({ err }, 'alert change not sent'));
      });
    dirtyAlerts.add(alertId);
  }

  async function message(d: DeliveryRecord, alert: WatchAlert): Promise<OutgoingMessage> {
    const words = alertWords(alert, {
      timeZone: ctx.config.timeZone,
      districtName: alert.householdId === null ? await watch.districtName(alert.districtId) : null,
    });
    const token = links.token({
      deliveryId: d.id,
      userId: d.userId,
      alertId: d.alertId,
      expiresAt: d.createdAt + LINK_LIFETIME_MS,
    });
    const ackPath = `/console/#/ack/${token}`;
    return { alertId: alert.id, level: d.level, ...words, ackPath, ackUrl: `${ctx.config.publicUrl}${ackPath}` };
  }

  function recordHealth(channel: string, outcome: SendOutcome) {
    const h = health.get(channel);
    if (!h) return;
    const wasFailing = h.consecutiveFailures >= FAILING_AFTER;
    if (outcome.ok) {
      h.consecutiveFailures = 0;
      h.lastSuccessAt = clock.now();
    } else if (!outcome.gone) {
      h.consecutiveFailures++;
      h.lastError = outcome.error;
      ctx.metrics.operations.notificationFailures.inc({ channel });
    }
    // City hall's status page and consoles hear of the change at once, not at the next evaluation.
    if (wasFailing !== h.consecutiveFailures >= FAILING_AFTER) ctx.health.refresh();
  }

  async function attempt(id: number, claimed: () => void): Promise<void> {
    const d = await store.claim(id, clock.now(), clock.now() + CLAIM_MS);
    claimed();
    if (!d) return; // not pending or not due any more, or another hub is trying it
    const alert = await watch.alert(d.alertId);
    if (alert?.state !== 'open') {
      await store.settle(d.alertId, null, clock.now());
      alertChanged(d.alertId);
      return;
    }
    const channel = channels.get(d.channel);
    let outcome: SendOutcome;
    if (!channel) outcome = { ok: false, retry: false, error: `The ${d.channel} channel is not configured any more.` };
    else {
      try {
        outcome = await channel.send(d.address, await message(d, alert));
      } catch (err) {
        outcome = { ok: false, retry: true, error: err instanceof Error ? err.message : String(err) };
      }
    }
    if (stopped) return;
    const now = clock.now();
    if (outcome.ok) {
      await store.attempted(id, { status: 'sent', at: now, error: null, nextAttemptAt: null });
      sent.inc({ channel: d.channel });
    } else {
      const backoff = outcome.retry ? RETRY_BACKOFF_MS[d.attempts] : undefined;
      if (backoff === undefined) {
        await store.attempted(id, { status: 'failed', at: now, error: outcome.error, nextAttemptAt: null });
        if (!outcome.gone)
          ctx.log.warn({ deliveryId: id, channel: d.channel, error: outcome.error }, 'notification failed');
      } else if (
        await store.attempted(id, { status: 'pending', at: now, error: outcome.error, nextAttemptAt: now + backoff })
      )
        arm(now + backoff);
    }
    recordHealth(d.channel, outcome);
    alertChanged(d.alertId);
  }

  /** Starts an attempt; resolves once its delivery is claimed (or found taken), while the sending goes on. */
  function send(id: number): Promise<void> {
    if (inFlight.has(id) || stopped) return Promise.resolve();
    let claimed!: () => void;
    const claim = new Promise<void>((resolve) => {
      claimed = resolve;
    });
    const p = attempt(id, claimed)
      .catch((err) => ctx.log.error({ err, deliveryId: id }, 'notification attempt failed'))
      .finally(() => {
        inFlight.delete(id);
        claimed();
      });
    inFlight.set(id, p);
    return claim;
  }

  // Alerts being turned into deliveries (they read the alert and people first) or settled, and
  // retry ticks reading what is due: `settle` waits for them.
  const raising = new Set<Promise<void>>();
  const tracked = (work: Promise<void>) => {
    raising.add(work);
    return work.finally(() => raising.delete(work));
  };

  async function tick() {
    timer = null;
    timerAt = Number.POSITIVE_INFINITY;
    if (stopped) return;
    const now = clock.now();
    // Claimed before the next due time is read: what this tick sends is not due again at once.
    await Promise.all((await store.due(now)).map((d) => send(d.id)));
    const next = await store.nextDueAt();
    const poll = polling && deps.pollMs !== null ? now + deps.pollMs : Number.POSITIVE_INFINITY;
    const at = Math.min(next ?? Number.POSITIVE_INFINITY, poll);
    if (at !== Number.POSITIVE_INFINITY) arm(Math.max(at, now + 1000));
  }
  const ticking = () => {
    void tracked(
      tick().catch((err) => {
        ctx.log.error({ err }, 'notification retries: the database could not be read');
        // Looked at again later: a lost database must not end the retries for good.
        arm(clock.now() + MINUTE);
      }),
    );
  };

  function arm(at: number) {
    if (stopped || at >= timerAt) return;
    timer?.cancel();
    if (at <= clock.now()) {
      // Due already (time moved on while the tick read the database): at once.
      timer = null;
      timerAt = Number.POSITIVE_INFINITY;
      ticking();
      return;
    }
    timerAt = at;
    timer = clock.setTimeout(ticking, at - clock.now());
  }

  async function deliveriesFor(e: DomainEvents['watch.alertRaised']): Promise<void> {
    const alert = await watch.alert(e.alertId);
    if (alert?.state !== 'open') return;
    const people = new Set(e.recipients);
    if (e.level === 1 && DISASTER_TEAM_KINDS.includes(alert.kind))
      for (const id of await store.disasterTeam()) people.add(id);
    const list: NewDelivery[] = [];
    const now = clock.now();
    for (const userId of people) {
      for (const c of channels.values()) {
        const optIn = await store.optIn(userId, c.name);
        if (!(optIn?.enabled ?? c.defaultOn)) continue;
        for (const address of await c.addresses(userId, optIn?.address ?? null))
          list.push({ alertId: alert.id, userId, channel: c.name, address, level: e.level, now });
      }
    }
    if (list.length === 0) return;
    for (const id of await store.createDeliveries(list)) send(id);
    alertChanged(alert.id);
  }

  async function settled(e: DomainEvents['watch.alertSettled']) {
    const by = /^user:(\d+):/.exec(e.actor);
    if ((await store.settle(e.alertId, e.state === 'acknowledged' && by ? Number(by[1]) : null, e.at)) > 0)
      alertChanged(e.alertId);
  }

  return {
    alertRaised: (e) => tracked(deliveriesFor(e)),
    alertSettled: (e) => tracked(settled(e)),

    message,

    retries: {
      start() {
        polling = true;
        ticking();
      },
      stop() {
        // Sends under way finish; this hub stops looking for due deliveries.
        polling = false;
        timer?.cancel();
        timer = null;
        timerAt = Number.POSITIVE_INFINITY;
      },
    },

    async settle() {
      while (raising.size > 0 || inFlight.size > 0) await Promise.allSettled([...raising, ...inFlight.values()]);
      await new Promise<void>((resolve) => setImmediate(resolve));
    },

    stop() {
      stopped = true;
      timer?.cancel();
      timer = null;
    },
  };
}
