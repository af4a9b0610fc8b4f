/**
 * The wellbeing watch: counts check-ins and other signs of life, runs the daily schedule
 * (reminders → deadline reminder → watchers → next level), watches terminal presence (offline
 * alerts, one alert for a district-wide outage) and serves the watcher board.
 *
 * Scheduling is derived from the database on every tick — plans, signs of life, the ledger of steps
 * done and the alerts' next escalation time — so a restarted hub picks up where it left off. One
 * timer on the injected clock wakes the scheduler at the next due moment.
 */
import type {
  ActivityKind,
  AlertOutcome,
  BoardRow,
  BoardStatus,
  CheckinReceipt,
  CheckinReminder,
  CheckinStatus,
  CheckinSubmit,
  HistoryDay,
  ResidentHistory,
  WatchAlert,
  WatchBoard,
  WatcherOutcome,
} from '@tsunagu/protocol';
import { Counter, Histogram } from 'prom-client';
import type { HubContext } from '../../context';
import type { TimerHandle } from '../../lib/clock';
import { AppError, badRequest, notFound } from '../../lib/errors';
import { rooms } from '../../plugins/socket';
import { dayAt, defaultPlan, type Plan, windowFor } from '../checkins/plan';
import type { CheckinsStore, WatchedHousehold } from '../checkins/store';
import { addDays, localDate } from '../checkins/time';
import { type CheckinWriter, createCheckinWriter } from '../checkins/writer';
import type { HouseholdsStore } from '../households/store';
import type { AlertRecord, WatchStore } from './store';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export interface WatchOptions {
  /** An offline check-in older than this (by the hub's clock) is counted at this age. Default 48 h. */
  maxCheckinAgeMs?: number;
  outage?: Partial<OutageRule>;
  /** The scheduler wakes at least this often (day changes, clock adjustments). Default 1 h. */
  maxSleepMs?: number;
}

/** When a district counts as having an outage rather than many separate offline terminals. */
export interface OutageRule {
  /** At least this many of the district's terminals are down… */
  minTerminals: number;
  /** …and at least this share of them… */
  share: number;
  /** …each offline for at least this long (a hub restart or a blip is not an outage)… */
  downAfterMs: number;
  /** …having gone offline within this span of each other. */
  togetherWithinMs: number;
}

export const DEFAULT_OUTAGE_RULE: OutageRule = {
  minTerminals: 3,
  share: 0.5,
  downAfterMs: 5 * MINUTE,
  togetherWithinMs: 15 * MINUTE,
};
export const DEFAULT_MAX_CHECKIN_AGE_MS = 48 * HOUR;

export interface WatchService {
  submitCheckin(householdId: number, terminalId: number | null, payload: CheckinSubmit): Promise<CheckinReceipt>;
  status(householdId: number): CheckinStatus;
  planFor(householdId: number): Plan;
  savePlan(plan: Plan, by: string): void;
  resetPlan(householdId: number): boolean;
  acknowledge(alertId: number, actor: string): AlertRecord;
  resolve(alertId: number, actor: string, outcome: WatcherOutcome, note: string): AlertRecord;
  toDto(alert: AlertRecord): WatchAlert;
  board(householdIds: number[] | null): WatchBoard;
  history(householdId: number, days: number): ResidentHistory;
  /** Runs every step that is due now and re-arms the timer (also called by the timer). */
  tick(): void;
  /** Settles when queued check-ins are stored and requested ticks have run. */
  settle(): Promise<void>;
  stop(): Promise<void>;
  writer: CheckinWriter;
}

interface Deps {
  checkins: CheckinsStore;
  alerts: WatchStore;
  households: HouseholdsStore;
  /** Sockets open per terminal right now. */
  connectedCount: (terminalId: number) => number;
}

/** Presence changes ask for at most one scheduler tick per this many (real) milliseconds. */
export const PRESENCE_TICK_MS = 5000;
const iso = (t: number) => new Date(t).toISOString();
const isoOrNull = (t: number | null) => (t === null ? null : iso(t));

export function createWatchService(
  ctx: Pick<HubContext, 'clock' | 'config' | 'sockets' | 'log' | 'db' | 'events' | 'metrics'>,
  deps: Deps,
  options: WatchOptions = {},
): WatchService {
  const { clock } = ctx;
  const tz = ctx.config.timeZone;
  const { checkins, alerts, households } = deps;
  const outageRule: OutageRule = { ...DEFAULT_OUTAGE_RULE, ...options.outage };
  const maxAge = options.maxCheckinAgeMs ?? DEFAULT_MAX_CHECKIN_AGE_MS;
  const maxSleep = options.maxSleepMs ?? HOUR;
  // A terminal cannot have been seen while the hub was down: offline time counts from start-up.
  const startedAt = clock.now();
  const planCache = new Map<number, Plan>();
  const doneSteps = new Set<string>();
  const lastDay = new Map<number, string>();
  let timer: TimerHandle | null = null;
  let timerAt = Number.POSITIVE_INFINITY;
  let stopped = false;
  let tickRequested = false;
  let tickWaiters: (() => void)[] = [];

  const checkinCounter = new Counter({
    name: 'tsunagu_checkins_total',
    help: 'Check-ins received, by result (new, duplicate, clamped)',
    labelNames: ['result'],
    registers: [ctx.metrics.registry],
  });
  const batchSize = new Histogram({
    name: 'tsunagu_checkin_batch_size',
    help: 'Check-ins committed per transaction (group commit)',
    buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000],
    registers: [ctx.metrics.registry],
  });
  const alertCounter = new Counter({
    name: 'tsunagu_watch_alerts_total',
    help: 'Watch alerts raised, by kind',
    labelNames: ['kind'],
    registers: [ctx.metrics.registry],
  });

  const writer = createCheckinWriter(checkins, { onBatch: (n) => batchSize.observe(n) });

  function planFor(householdId: number): Plan {
    let p = planCache.get(householdId);
    if (!p) {
      p = checkins.getPlan(householdId) ?? defaultPlan(householdId);
      planCache.set(householdId, p);
    }
    return p;
  }

  // ---- notifications -------------------------------------------------------------------------

  function toDto(a: AlertRecord): WatchAlert {
    return {
      id: a.id,
      kind: a.kind,
      householdId: a.householdId,
      householdName: a.householdName,
      districtId: a.districtId,
      day: a.day,
      state: a.state,
      level: a.level,
      openedAt: iso(a.openedAt),
      nextEscalationAt: a.state === 'open' ? isoOrNull(a.nextStepAt) : null,
      acknowledgedAt: isoOrNull(a.acknowledgedAt),
      acknowledgedBy: a.acknowledgedBy,
      resolvedAt: isoOrNull(a.resolvedAt),
      resolvedBy: a.resolvedBy,
      outcome: a.outcome,
      note: a.note,
      possibleOutage: a.possibleOutage,
      events: alerts
        .events(a.id)
        .map((e) => ({ id: e.id, at: iso(e.at), type: e.type, actor: e.actor, level: e.level, detail: e.detail })),
    };
  }

  /** Watchers of a household (or of a district's households) at the given levels. */
  function watcherIdsFor(
    a: { householdId: number | null; districtId: number },
    levels: (l: number) => boolean,
  ): number[] {
    const ids = new Set<number>();
    const hh =
      a.householdId !== null ? [a.householdId] : households.list({ districtId: a.districtId }).map((h) => h.id);
    for (const h of hh) for (const w of households.watchersOf(h)) if (levels(w.level)) ids.add(w.userId);
    return [...ids];
  }

  type Outbox = (() => void)[];
  /** Sends after the surrounding transaction has committed: persisted first, then sent. */
  function flushOutbox(outbox: Outbox) {
    for (const send of outbox) {
      try {
        send();
      } catch (err) {
        ctx.log.error({ err }, 'watch notification failed');
      }
    }
  }

  function notifyRaised(outbox: Outbox, alertId: number, recipients: number[]) {
    outbox.push(() => {
      const a = alerts.get(alertId);
      if (!a) return;
      const dto = toDto(a);
      const raisedRooms = [rooms.role('cityhall'), ...recipients.map(rooms.user)];
      ctx.sockets.staff.to(raisedRooms).emit('watch:alertRaised', dto);
      // Everyone else who can see it hears of the change, without the alarm sound.
      const others = watcherIdsFor(a, () => true).filter((id) => !recipients.includes(id));
      if (others.length)
        ctx.sockets.staff.to(others.map(rooms.user)).except(raisedRooms).emit('watch:alertUpdated', dto);
    });
  }

  function notifyUpdated(outbox: Outbox, alertId: number) {
    outbox.push(() => {
      const a = alerts.get(alertId);
      if (!a) return;
      ctx.sockets.staff
        .to([rooms.role('cityhall'), ...watcherIdsFor(a, () => true).map(rooms.user)])
        .emit('watch:alertUpdated', toDto(a));
    });
  }

  function notifyBoard(outbox: Outbox, householdId: number) {
    outbox.push(() => {
      const watchers = households.watchersOf(householdId).map((w) => rooms.user(w.userId));
      ctx.sockets.staff.to([rooms.role('cityhall'), ...watchers]).emit('watch:boardChanged', { householdId });
    });
  }

  function notifyTerminalStatus(outbox: Outbox, householdId: number) {
    outbox.push(() =>
      ctx.sockets.terminals.to(rooms.household(householdId)).emit('checkin:statusChanged', status(householdId)),
    );
  }

  // ---- signs of life ---------------------------------------------------------------------------

  /** After a sign of life is stored: an open missed-check-in alert since that day closes "all clear". */
  function afterSignOfLife(outbox: Outbox, householdId: number, kind: ActivityKind, at: number) {
    const plan = planFor(householdId);
    if (plan.signsOfLife.includes(kind)) {
      for (const a of alerts.activeForHousehold(householdId, 'missed_checkin')) {
        if (a.sinceAt !== null && at < a.sinceAt) continue;
        const now = clock.now();
        const note = kind === 'checkin' ? 'The resident checked in.' : `Sign of life: ${kind}.`;
        if (alerts.resolve(a.id, now, 'system', 'all_clear', note)) {
          alerts.addEvent(a.id, {
            at: now,
            type: 'all_clear',
            actor: 'system',
            level: a.level,
            detail: { kind, at: iso(at) },
          });
          notifyUpdated(outbox, a.id);
        }
      }
    }
    notifyBoard(outbox, householdId);
    if (kind === 'checkin') notifyTerminalStatus(outbox, householdId);
  }

  function recordActivity(householdId: number, kind: ActivityKind, at: number) {
    const outbox: Outbox = [];
    ctx.db.transaction(() => {
      checkins.recordSign(householdId, kind, at);
      afterSignOfLife(outbox, householdId, kind, at);
    })();
    flushOutbox(outbox);
  }

  async function submitCheckin(
    householdId: number,
    terminalId: number | null,
    payload: CheckinSubmit,
  ): Promise<CheckinReceipt> {
    const now = clock.now();
    const pressedAt = Date.parse(payload.pressedAt);
    if (Number.isNaN(pressedAt)) throw badRequest('VALIDATION_FAILED', 'pressedAt is not a valid time.');
    // Sane bounds of the hub's clock: never in the future, never older than the offline limit.
    const at = Math.max(Math.min(pressedAt, now), now - maxAge);
    const outcome = await writer.submit({
      householdId,
      terminalId,
      idempotencyKey: payload.idempotencyKey.toLowerCase(),
      at,
      pressedAt,
      receivedAt: now,
      mood: payload.mood ?? null,
    });
    checkinCounter.inc({ result: outcome.duplicate ? 'duplicate' : 'new' });
    if (at !== pressedAt && !outcome.duplicate) checkinCounter.inc({ result: 'clamped' });
    const outbox: Outbox = [];
    if (!outcome.duplicate) {
      ctx.db.transaction(() => afterSignOfLife(outbox, householdId, 'checkin', outcome.at))();
      ctx.events.emit('household.activity', { householdId, kind: 'checkin', at: outcome.at });
    } else if (outcome.moodChanged) {
      notifyBoard(outbox, householdId);
    }
    flushOutbox(outbox);
    return {
      checkinId: outcome.checkinId,
      duplicate: outcome.duplicate,
      countedAt: iso(outcome.at),
      day: dayAt(planFor(householdId), outcome.at, tz),
      mood: outcome.mood,
    };
  }

  function status(householdId: number): CheckinStatus {
    const plan = planFor(householdId);
    const now = clock.now();
    const w = windowFor(plan, dayAt(plan, now, tz), tz);
    const sign = checkins.firstSign(householdId, w.opensAt, w.closesAt, ['checkin']);
    return {
      day: w.day,
      scheduled: w.scheduled,
      deadline: iso(w.deadline),
      checkedIn: !!sign,
      checkedInAt: sign ? iso(sign.at) : null,
    };
  }

  // ---- the schedule ----------------------------------------------------------------------------

  function markOnce(householdId: number, day: string, step: string, now: number): boolean {
    const key = `${householdId}|${day}|${step}`;
    if (doneSteps.has(key)) return false;
    doneSteps.add(key);
    return checkins.markStep(householdId, day, step, now);
  }

  function isStepDone(householdId: number, day: string, step: string): boolean {
    return doneSteps.has(`${householdId}|${day}|${step}`);
  }

  /** Reminders and the deadline for one household; returns when it next needs attention. */
  function scheduleHousehold(outbox: Outbox, h: WatchedHousehold, now: number): number {
    const plan = planFor(h.householdId);
    const today = dayAt(plan, now, tz);
    let next = windowFor(plan, today, tz).closesAt;
    if (lastDay.get(h.householdId) !== today) {
      if (lastDay.has(h.householdId)) notifyTerminalStatus(outbox, h.householdId);
      lastDay.set(h.householdId, today);
    }
    if (!plan.enabled) return next;
    for (const day of [addDays(today, -1), today]) {
      const w = windowFor(plan, day, tz);
      // A terminal enrolled after the deadline was not there to be checked in with.
      if (!w.scheduled || h.enrolledAt >= w.deadline) continue;
      if (now < w.deadline) {
        const due: number[] = [];
        for (const minutes of plan.reminderMinutes) {
          const at = w.deadline - minutes * MINUTE;
          if (at < w.opensAt || at < h.enrolledAt) continue;
          if (at <= now) {
            if (!isStepDone(h.householdId, day, `reminder:${minutes}`)) due.push(minutes);
          } else next = Math.min(next, at);
        }
        if (due.length > 0) {
          const sign = checkins.firstSign(h.householdId, w.opensAt, now + 1, plan.signsOfLife);
          let fresh = false;
          for (const minutes of due) fresh = markOnce(h.householdId, day, `reminder:${minutes}`, now) || fresh;
          if (!sign && fresh) {
            const reminder: CheckinReminder = {
              stage: 'before',
              day,
              deadline: iso(w.deadline),
              minutesLeft: Math.max(0, Math.ceil((w.deadline - now) / MINUTE)),
            };
            outbox.push(() =>
              ctx.sockets.terminals.to(rooms.household(h.householdId)).emit('checkin:reminder', reminder),
            );
          }
        }
        next = Math.min(next, w.deadline);
        continue;
      }
      if (isStepDone(h.householdId, day, 'deadline')) continue;
      const sign = checkins.firstSign(h.householdId, w.opensAt, Math.max(now + 1, w.opensAt + 1), plan.signsOfLife);
      if (!markOnce(h.householdId, day, 'deadline', now) || sign) continue;
      missedCheckin(outbox, h, plan, w.day, w.opensAt, w.deadline, now);
    }
    return next;
  }

  function missedCheckin(
    outbox: Outbox,
    h: WatchedHousehold,
    plan: Plan,
    day: string,
    sinceAt: number,
    deadline: number,
    now: number,
  ) {
    const reminder: CheckinReminder = { stage: 'deadline', day, deadline: iso(deadline), minutesLeft: 0 };
    const already = alerts.activeForHousehold(h.householdId, 'missed_checkin')[0];
    if (already) {
      // Still unresolved from an earlier day: one alert, with the new miss on its record.
      alerts.addEvent(already.id, {
        at: now,
        type: 'missed_again',
        actor: 'system',
        level: already.level,
        detail: { day },
      });
      notifyUpdated(outbox, already.id);
    } else {
      const outage = alerts.activeDistrictOutage(h.districtId);
      const id = alerts.create(
        {
          kind: 'missed_checkin',
          householdId: h.householdId,
          districtId: h.districtId,
          day,
          sinceAt,
          level: 0,
          openedAt: now,
          nextStepAt: Math.max(now, deadline + plan.graceMinutes * MINUTE),
          possibleOutage: !!outage,
        },
        { day, deadline: iso(deadline), ...(outage ? { outageAlertId: outage.id } : {}) },
      );
      if (id === null) return;
      alertCounter.inc({ kind: 'missed_checkin' });
      alerts.addEvent(id, {
        at: now,
        type: 'terminal_reminded',
        actor: 'system',
        level: 0,
        detail: { online: h.online },
      });
      notifyUpdated(outbox, id);
    }
    outbox.push(() => ctx.sockets.terminals.to(rooms.household(h.householdId)).emit('checkin:reminder', reminder));
    notifyBoard(outbox, h.householdId);
  }

  /** Moves every alert whose acknowledgement window ran out one level up the ladder. */
  function escalateDue(outbox: Outbox, now: number) {
    for (const a of alerts.dueEscalations(now)) {
      const level = a.level + 1;
      const ackTimeout =
        (a.householdId !== null ? planFor(a.householdId).ackTimeoutMinutes : defaultPlan(0).ackTimeoutMinutes) * MINUTE;
      const recipients = watcherIdsFor(a, (l) => (level === 1 ? l === 1 : l >= level));
      const nextStepAt = level < 2 ? now + ackTimeout : null;
      alerts.escalate(a.id, level, nextStepAt);
      alerts.addEvent(a.id, { at: now, type: 'escalated', actor: 'system', level, detail: { recipients } });
      notifyRaised(outbox, a.id, recipients);
    }
  }

  /** Terminal offline alerts and district outages. Returns when presence next needs a look. */
  function checkPresence(outbox: Outbox, watched: WatchedHousehold[], now: number): number {
    let next = Number.POSITIVE_INFINITY;
    const byDistrict = new Map<number, WatchedHousehold[]>();
    for (const h of watched) byDistrict.set(h.districtId, [...(byDistrict.get(h.districtId) ?? []), h]);
    const offlineSince = (h: WatchedHousehold) => Math.max(h.lastSeenAt ?? h.enrolledAt, startedAt);
    const isOffline = (h: WatchedHousehold) => !h.online && deps.connectedCount(h.terminalId) === 0;

    for (const [districtId, members] of byDistrict) {
      const down = members
        .filter((h) => isOffline(h) && now - offlineSince(h) >= outageRule.downAfterMs)
        .map(offlineSince)
        .sort((a, b) => a - b);
      for (const h of members)
        if (isOffline(h) && now - offlineSince(h) < outageRule.downAfterMs)
          next = Math.min(next, offlineSince(h) + outageRule.downAfterMs);
      // Largest group of terminals that went down within `togetherWithinMs` of each other.
      let together = 0;
      for (let i = 0, j = 0; j < down.length; j++) {
        while (down[j]! - down[i]! > outageRule.togetherWithinMs) i++;
        together = Math.max(together, j - i + 1);
      }
      const isOutage = together >= outageRule.minTerminals && together / members.length >= outageRule.share;
      const active = alerts.activeDistrictOutage(districtId);
      if (isOutage && !active) {
        const id = alerts.create(
          {
            kind: 'district_outage',
            householdId: null,
            districtId,
            day: null,
            sinceAt: down[0] ?? now,
            level: 1,
            openedAt: now,
            nextStepAt: null,
            possibleOutage: false,
          },
          { offline: down.length, terminals: members.length },
        );
        if (id !== null) {
          alertCounter.inc({ kind: 'district_outage' });
          const recipients = watcherIdsFor({ householdId: null, districtId }, (l) => l === 1);
          alerts.addEvent(id, { at: now, type: 'escalated', actor: 'system', level: 1, detail: { recipients } });
          notifyRaised(outbox, id, recipients);
          for (const h of members) {
            for (const missed of alerts.activeForHousehold(h.householdId, 'missed_checkin')) {
              if (alerts.markPossibleOutage(missed.id)) {
                alerts.addEvent(missed.id, {
                  at: now,
                  type: 'marked_possible_outage',
                  actor: 'system',
                  level: missed.level,
                  detail: { outageAlertId: id },
                });
                notifyUpdated(outbox, missed.id);
              }
            }
          }
        }
      } else if (!isOutage && active && active.state !== 'resolved' && down.length < outageRule.minTerminals) {
        if (
          alerts.resolve(
            active.id,
            now,
            'system',
            'back_online',
            `${members.length - down.length} of ${members.length} terminals are back online.`,
          )
        ) {
          alerts.addEvent(active.id, {
            at: now,
            type: 'recovered',
            actor: 'system',
            level: active.level,
            detail: { offline: down.length },
          });
          notifyUpdated(outbox, active.id);
        }
      }
      const outageNow = isOutage || (active !== undefined && down.length >= outageRule.minTerminals);

      for (const h of members) {
        if (!isOffline(h)) continue;
        const threshold = planFor(h.householdId).offlineAlertMinutes * MINUTE;
        const dueAt = offlineSince(h) + threshold;
        if (now < dueAt) {
          next = Math.min(next, dueAt);
          continue;
        }
        // One district alert instead of one per household.
        if (outageNow || alerts.activeForHousehold(h.householdId, 'terminal_offline').length > 0) continue;
        const id = alerts.create(
          {
            kind: 'terminal_offline',
            householdId: h.householdId,
            districtId,
            day: null,
            sinceAt: offlineSince(h),
            level: 1,
            openedAt: now,
            nextStepAt: null,
            possibleOutage: false,
          },
          { offlineSince: iso(offlineSince(h)) },
        );
        if (id !== null) {
          alertCounter.inc({ kind: 'terminal_offline' });
          const recipients = watcherIdsFor(h, (l) => l === 1);
          alerts.addEvent(id, { at: now, type: 'escalated', actor: 'system', level: 1, detail: { recipients } });
          notifyRaised(outbox, id, recipients);
          notifyBoard(outbox, h.householdId);
        }
      }
    }
    return next;
  }

  function tick() {
    if (stopped) return;
    const now = clock.now();
    const outbox: Outbox = [];
    let next = now + maxSleep;
    try {
      ctx.db.transaction(() => {
        const watched = checkins.watchedHouseholds();
        for (const h of watched) next = Math.min(next, scheduleHousehold(outbox, h, now));
        escalateDue(outbox, now);
        next = Math.min(next, checkPresence(outbox, watched, now));
        const esc = alerts.nextEscalationAt();
        if (esc !== null) next = Math.min(next, esc);
      })();
    } catch (err) {
      ctx.log.error({ err }, 'watch scheduler failed; retrying in a minute');
      next = now + MINUTE;
    }
    flushOutbox(outbox);
    arm(Math.max(next, now + 1));
  }

  function arm(at: number) {
    if (stopped) return;
    timer?.cancel();
    timerAt = at;
    timer = clock.setTimeout(() => {
      timer = null;
      timerAt = Number.POSITIVE_INFINITY;
      tick();
    }, at - clock.now());
  }

  // A tick walks every watched household. Presence changes only move the "terminal offline" timers
  // (minutes), so they ask for at most one tick every five seconds: ten thousand terminals
  // reconnecting after an outage would otherwise cost a walk each — O(N²), measured by the bench
  // (docs/benchmarks.md).
  let presenceTimer: NodeJS.Timeout | null = null;
  function requestPresenceTick() {
    if (presenceTimer || stopped) return;
    presenceTimer = setTimeout(() => {
      presenceTimer = null;
      requestTick();
    }, PRESENCE_TICK_MS);
  }
  function flushPresenceTick() {
    if (!presenceTimer) return;
    clearTimeout(presenceTimer);
    presenceTimer = null;
    requestTick();
  }

  /** Coalesces bursts (a district's terminals reconnecting) into one tick. */
  function requestTick() {
    if (tickRequested || stopped) return;
    tickRequested = true;
    setImmediate(() => {
      tickRequested = false;
      tick();
      const w = tickWaiters;
      tickWaiters = [];
      for (const fn of w) fn();
    });
  }

  // ---- watcher actions -------------------------------------------------------------------------

  function acknowledge(alertId: number, actor: string): AlertRecord {
    const a = alerts.get(alertId);
    if (!a) throw notFound('alert');
    if (a.state !== 'open')
      throw new AppError(409, 'ALERT_NOT_OPEN', 'This alert has already been acknowledged or resolved.');
    const now = clock.now();
    const outbox: Outbox = [];
    ctx.db.transaction(() => {
      if (!alerts.acknowledge(alertId, now, actor))
        throw new AppError(409, 'ALERT_NOT_OPEN', 'This alert has already been acknowledged or resolved.');
      alerts.addEvent(alertId, { at: now, type: 'acknowledged', actor, level: a.level });
      notifyUpdated(outbox, alertId);
    })();
    flushOutbox(outbox);
    return alerts.get(alertId)!;
  }

  function resolve(alertId: number, actor: string, outcome: WatcherOutcome, note: string): AlertRecord {
    const a = alerts.get(alertId);
    if (!a) throw notFound('alert');
    if (a.state === 'resolved') throw new AppError(409, 'ALERT_RESOLVED', 'This alert has already been resolved.');
    const now = clock.now();
    const outbox: Outbox = [];
    ctx.db.transaction(() => {
      // Resolving implies having seen it: record the acknowledgement too when it was skipped.
      if (a.state === 'open' && alerts.acknowledge(alertId, now, actor)) {
        alerts.addEvent(alertId, { at: now, type: 'acknowledged', actor, level: a.level });
      }
      if (!alerts.resolve(alertId, now, actor, outcome satisfies AlertOutcome, note)) {
        throw new AppError(409, 'ALERT_RESOLVED', 'This alert has already been resolved.');
      }
      alerts.addEvent(alertId, { at: now, type: 'resolved', actor, level: a.level, detail: { outcome, note } });
      notifyUpdated(outbox, alertId);
      if (a.householdId !== null) notifyBoard(outbox, a.householdId);
    })();
    flushOutbox(outbox);
    return alerts.get(alertId)!;
  }

  // ---- board and history -----------------------------------------------------------------------

  function board(householdIds: number[] | null): WatchBoard {
    const now = clock.now();
    const all =
      householdIds === null
        ? households.list()
        : householdIds.map((id) => households.get(id)).filter((h) => h !== undefined);
    const watched = new Map(checkins.watchedHouseholds().map((w) => [w.householdId, w]));
    const counts: Record<string, number> = {};
    const rows = all.map((h): BoardRow => {
      const w = watched.get(h.id);
      const active = alerts.activeForHousehold(h.id);
      const base = {
        householdId: h.id,
        householdName: h.name,
        districtId: h.districtId,
        terminalOnline: !!w && (w.online || deps.connectedCount(w.terminalId) > 0),
        openAlertIds: active.map((a) => a.id),
        possibleOutage: active.some((a) => a.possibleOutage) || !!alerts.activeDistrictOutage(h.districtId),
      };
      let row: BoardRow;
      if (!w) {
        row = { ...base, status: 'no_terminal', deadline: null, checkedInAt: null, mood: null, signOfLife: null };
      } else {
        const plan = planFor(h.id);
        const win = windowFor(plan, dayAt(plan, now, tz), tz);
        const sign = checkins.firstSign(h.id, win.opensAt, win.closesAt, plan.signsOfLife);
        const daySigns = sign ? checkins.signs(h.id, win.opensAt, win.closesAt) : [];
        const mood = daySigns.filter((s) => s.mood !== null).at(-1)?.mood ?? null;
        const missed = active.find((a) => a.kind === 'missed_checkin');
        let status: BoardStatus;
        if (sign) status = sign.at <= win.deadline ? 'checked_in' : 'late';
        else if (missed && missed.level >= 1) status = 'escalated';
        else if (missed || (win.scheduled && now >= win.deadline && win.deadline > w.enrolledAt)) status = 'missed';
        else if (!base.terminalOnline) status = 'terminal_offline';
        else if (!win.scheduled) status = 'day_off';
        else status = 'waiting';
        row = {
          ...base,
          status,
          deadline: iso(win.deadline),
          checkedInAt: sign ? iso(sign.at) : null,
          mood,
          signOfLife: sign?.kind ?? null,
        };
      }
      counts[row.status] = (counts[row.status] ?? 0) + 1;
      return row;
    });
    return { day: localDate(now, tz), generatedAt: iso(now), rows, counts };
  }

  function history(householdId: number, days: number): ResidentHistory {
    const h = households.get(householdId);
    if (!h) throw notFound('household');
    const plan = planFor(householdId);
    const now = clock.now();
    const today = dayAt(plan, now, tz);
    const first = addDays(today, -(days - 1));
    const missed = alerts.missedByDay(householdId, first, today);
    // Days before the terminal was there (or with none) were not watched: not "missed".
    const watchedSince = checkins.watchedHousehold(householdId)?.enrolledAt ?? Number.POSITIVE_INFINITY;
    const out: HistoryDay[] = [];
    for (let i = 0; i < days; i++) {
      const day = addDays(first, i);
      const w = windowFor(plan, day, tz);
      const signs = checkins.signs(householdId, w.opensAt, w.closesAt);
      const counted = signs.filter((s) => plan.signsOfLife.includes(s.kind));
      const firstSign = counted[0];
      const mood = signs.filter((s) => s.mood !== null).at(-1)?.mood ?? null;
      let status: HistoryDay['status'];
      if (firstSign) status = firstSign.at <= w.deadline ? 'checked_in' : 'late';
      else if (missed.has(day)) status = 'missed';
      else if (w.deadline <= watchedSince) status = 'not_watched';
      else if (day === today && now < w.deadline) status = 'today';
      else if (!w.scheduled) status = 'day_off';
      else status = 'missed';
      out.push({
        day,
        status,
        checkedInAt: firstSign ? iso(firstSign.at) : null,
        mood,
        signs: [...new Set(signs.map((s) => s.kind))],
      });
    }
    return { householdId, householdName: h.name, days: out };
  }

  // ---- wiring ----------------------------------------------------------------------------------

  ctx.events.on('household.activity', (e) => {
    // Check-ins are stored with their sign of life by this module's own write path.
    if (e.kind === 'checkin' || stopped) return;
    recordActivity(e.householdId, e.kind, e.at);
  });

  ctx.events.on('household.concern', (e) => {
    if (stopped) return;
    const h = households.get(e.householdId);
    if (!h) return;
    const outbox: Outbox = [];
    ctx.db.transaction(() => {
      const now = clock.now();
      const id = alerts.create(
        {
          kind: 'concern',
          householdId: h.id,
          districtId: h.districtId,
          day: null,
          sinceAt: e.at,
          level: 1,
          openedAt: now,
          nextStepAt: now + planFor(h.id).ackTimeoutMinutes * MINUTE,
          possibleOutage: false,
        },
        { source: e.source, note: e.note },
      );
      if (id === null) return;
      alertCounter.inc({ kind: 'concern' });
      const recipients = watcherIdsFor({ householdId: h.id, districtId: h.districtId }, (l) => l === 1);
      alerts.addEvent(id, { at: now, type: 'escalated', actor: 'system', level: 1, detail: { recipients } });
      notifyRaised(outbox, id, recipients);
      notifyBoard(outbox, h.id);
    })();
    flushOutbox(outbox);
    arm(Math.min(timerAt, clock.now() + planFor(h.id).ackTimeoutMinutes * MINUTE));
  });

  ctx.sockets.onTerminalConnection(({ principal }) => {
    if (principal.kind !== 'terminal' || stopped) return;
    const outbox: Outbox = [];
    ctx.db.transaction(() => {
      const now = clock.now();
      for (const a of alerts.activeForHousehold(principal.householdId, 'terminal_offline')) {
        if (alerts.resolve(a.id, now, 'system', 'back_online', 'The terminal is back online.')) {
          alerts.addEvent(a.id, { at: now, type: 'recovered', actor: 'system', level: a.level });
          notifyUpdated(outbox, a.id);
        }
      }
      notifyBoard(outbox, principal.householdId);
    })();
    flushOutbox(outbox);
    requestPresenceTick();
  });

  ctx.sockets.onTerminalDisconnect(({ principal }) => {
    if (principal.kind !== 'terminal' || stopped) return;
    const outbox: Outbox = [];
    notifyBoard(outbox, principal.householdId);
    flushOutbox(outbox);
    requestPresenceTick();
  });

  return {
    submitCheckin,
    status,
    planFor,
    savePlan(plan, by) {
      checkins.savePlan(plan, by);
      planCache.delete(plan.householdId);
      requestTick();
    },
    resetPlan(householdId) {
      const removed = checkins.deletePlan(householdId);
      planCache.delete(householdId);
      requestTick();
      return removed;
    },
    acknowledge,
    resolve,
    toDto,
    board,
    history,
    tick,
    async settle() {
      await writer.drain();
      flushPresenceTick();
      if (tickRequested) await new Promise<void>((r) => tickWaiters.push(r));
    },
    async stop() {
      await writer.drain();
      stopped = true;
      if (presenceTimer) clearTimeout(presenceTimer);
      presenceTimer = null;
      timer?.cancel();
      timer = null;
    },
    writer,
  };
}
