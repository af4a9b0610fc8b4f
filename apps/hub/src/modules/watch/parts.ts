/**
 * What the parts of the watch share: the stores, the context, plans (cached) with today's
 * check-in status, the alert metric, and the timing options.
 */
import type { CheckinStatus } from '@tsunagu/protocol';
import { Counter } from 'prom-client';
import type { HubContext } from '../../context';
import type { TransactionOptions } from '../../db/sql';
import { dayAt, defaultPlan, type Plan, windowFor } from '../checkins/plan';
import type { CheckinReads, CheckinsStore } from '../checkins/store';
import type { HouseholdsStore } from '../households/store';
import type { WatchStore } from './store';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const iso = (t: number) => new Date(t).toISOString();
export const isoOrNull = (t: number | null) => (t === null ? null : iso(t));

export type WatchContext = Pick<
  HubContext,
  'clock' | 'config' | 'sockets' | 'log' | 'db' | 'events' | 'metrics' | 'changes' | 'sql'
>;

/** The stores a unit of work reads and writes through (both on its one transaction). */
export interface WatchStores {
  checkins: CheckinReads;
  alerts: WatchStore;
}

export interface WatchDeps {
  checkins: CheckinsStore;
  alerts: WatchStore;
  /** Runs `work` in one transaction over both stores (db/sql.ts: a unit of work; `flush` as there). */
  unitOfWork<T>(work: (stores: WatchStores) => Promise<T>, options?: TransactionOptions): Promise<T>;
  households: HouseholdsStore;
  /** Sockets open per terminal right now. */
  connectedCount: (terminalId: number) => number;
  /** A staff member's display name (who has seen a resident's help request). */
  userName: (userId: number) => Promise<string | null>;
  /** Households a safety check is still waiting to hear from (announcements). */
  unansweredHouseholds?: (announcementId: number) => Promise<number[]>;
}

export interface WatchOptions {
  /** An offline check-in older than this (by the hub's clock) is counted at this age. Default 48 h. */
  maxCheckinAgeMs?: number;
  outage?: Partial<OutageRule>;
  /** The scheduler wakes at least this often (day changes, clock adjustments). Default 1 h. */
  maxSleepMs?: number;
  /** A help request (or an urgent concern) not acknowledged within this goes a level up. Default 10 min. */
  urgentAckMs?: number;
  /** Households that have not answered a safety check within this are alerted. Default 60 min. */
  safetyUnansweredMs?: number;
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
export const DEFAULT_URGENT_ACK_MS = 10 * MINUTE;
export const DEFAULT_SAFETY_UNANSWERED_MS = 60 * MINUTE;

/**
 * Check-in plans, read once and cached until they change. Across hubs (PostgreSQL), a plan saved on
 * another hub drops this copy too (`PLANS_CHANNEL`, db/changes.ts). The first plan asked for reads
 * every plan in one statement (the scheduler's first tick asks for each watched household's: one
 * round trip each made a hub on PostgreSQL take a minute to start with 1,000 households); after
 * that a household with no plan row has the default plan without asking, until its plan changes.
 */
export interface Plans {
  planFor(householdId: number): Promise<Plan>;
  forget(householdId: number): void;
  forgetAll(): void;
  /** Today's check-in window for the household and whether the resident has checked in. */
  status(householdId: number): Promise<CheckinStatus>;
}

export function createPlans(
  ctx: WatchContext,
  checkins: Pick<CheckinReads, 'getPlan' | 'listPlans' | 'firstSign'>,
): Plans {
  const cache = new Map<number, Plan>();
  const tz = ctx.config.timeZone;
  // Every plan row read (a household not in the cache has none), and the read under way.
  let complete = false;
  let readingAll: Promise<void> | null = null;
  // Moves on forgetAll: a read of every plan that started before it is not kept.
  let generation = 0;
  // Changed since every plan was read: read on their own (a read of all under way may be older).
  const changed = new Set<number>();
  let edits = 0;

  function readAll(): Promise<void> {
    if (!readingAll) {
      const started = generation;
      const reading = checkins.listPlans().then(
        (all) => {
          if (readingAll === reading) readingAll = null;
          if (started !== generation) return;
          for (const p of all)
            if (!changed.has(p.householdId) && !cache.has(p.householdId)) cache.set(p.householdId, p);
          complete = true;
        },
        (err: unknown) => {
          if (readingAll === reading) readingAll = null;
          throw err;
        },
      );
      readingAll = reading;
    }
    return readingAll;
  }

  const planFor = async (householdId: number) => {
    let p = cache.get(householdId);
    if (p) return p;
    if (!complete && !changed.has(householdId)) {
      await readAll();
      p = cache.get(householdId);
      if (p) return p;
    }
    if (complete && !changed.has(householdId)) p = defaultPlan(householdId);
    else {
      const started = edits;
      p = (await checkins.getPlan(householdId)) ?? defaultPlan(householdId);
      // A plan changed while it was read: answered, not kept.
      if (started !== edits) return p;
      changed.delete(householdId);
    }
    cache.set(householdId, p);
    return p;
  };
  return {
    planFor,
    forget(householdId) {
      edits++;
      cache.delete(householdId);
      changed.add(householdId);
    },
    forgetAll() {
      generation++;
      edits++;
      cache.clear();
      changed.clear();
      complete = false;
      readingAll = null;
    },
    async status(householdId) {
      const plan = await planFor(householdId);
      const w = windowFor(plan, dayAt(plan, ctx.clock.now(), tz), tz);
      const sign = await checkins.firstSign(householdId, w.opensAt, w.closesAt, ['checkin']);
      return {
        day: w.day,
        scheduled: w.scheduled,
        deadline: iso(w.deadline),
        checkedIn: !!sign,
        checkedInAt: sign ? iso(sign.at) : null,
      };
    },
  };
}

/** Watch alerts raised, by kind (one counter per hub registry). */
export function alertMetric(ctx: WatchContext): (kind: string) => void {
  const counter = new Counter({
    name: 'tsunagu_watch_alerts_total',
    help: 'Watch alerts raised, by kind',
    labelNames: ['kind'],
    registers: [ctx.metrics.registry],
  });
  return (kind) => counter.inc({ kind });
}
