/**
 * Check-in plans and the check-in day.
 *
 * A household's check-in day D is a window that opens at `opensAt` (local time) on date D and lasts
 * until the next day's window opens. The deadline is `deadline` local time on D, or on D+1 when the
 * deadline is at or before `opensAt` — that is how a plan crosses midnight: a night-shift plan with
 * opensAt 12:00 and deadline 00:30 expects the check-in for Monday between Monday 12:00 and
 * Tuesday 00:30. A sign of life counts for the day whose window contains it: on time up to the
 * deadline, late after it. `days` are the weekdays of D (the day the window opens).
 */
import { ACTIVITY_KINDS, type ActivityKind, type CheckinPlan, type CheckinPlanBody } from '@tsunagu/protocol';
import { badRequest } from '../../lib/errors';
import { keepBounded } from '../../lib/kept-reads';
import { addDays, formatLocalTime, localDate, parseLocalTime, weekday, zonedInstant } from './time';

export interface Plan {
  householdId: number;
  enabled: boolean;
  /** Minutes after local midnight. */
  opensAt: number;
  deadline: number;
  /** Bit n set: weekday n (0 = Sunday) is a check-in day. */
  days: number;
  reminderMinutes: number[];
  graceMinutes: number;
  ackTimeoutMinutes: number;
  signsOfLife: ActivityKind[];
  offlineAlertMinutes: number;
  isDefault: boolean;
  updatedAt: number | null;
}

/** The city's default plan for a household without one: every day by 10:00, reminders at 9:00 and 9:45. */
export function defaultPlan(householdId: number): Plan {
  return {
    householdId,
    enabled: true,
    opensAt: 0,
    deadline: 10 * 60,
    days: 0b1111111,
    reminderMinutes: [60, 15],
    graceMinutes: 60,
    ackTimeoutMinutes: 60,
    signsOfLife: [...ACTIVITY_KINDS],
    offlineAlertMinutes: 180,
    isDefault: true,
    updatedAt: null,
  };
}

/** Length of the window from opening to deadline, in minutes (1..1440). */
export function windowMinutes(opensAt: number, deadline: number): number {
  return deadline > opensAt ? deadline - opensAt : deadline + 1440 - opensAt;
}

export function planFromBody(householdId: number, body: CheckinPlanBody, now: number): Plan {
  const opensAt = parseLocalTime(body.opensAt);
  const deadline = parseLocalTime(body.deadline);
  const length = windowMinutes(opensAt, deadline);
  const tooEarly = body.reminderMinutes.filter((r) => r >= length);
  if (tooEarly.length > 0) {
    throw badRequest(
      'VALIDATION_FAILED',
      `Reminders must fall inside the check-in window (${length} minutes from ${body.opensAt} to ${body.deadline}); ${tooEarly.join(', ')} minutes before the deadline is too early.`,
      [{ path: 'body.reminderMinutes', message: `each must be less than ${length}` }],
    );
  }
  return {
    householdId,
    enabled: body.enabled,
    opensAt,
    deadline,
    days: body.days.reduce((bits, d) => bits | (1 << d), 0),
    reminderMinutes: [...body.reminderMinutes].sort((a, b) => b - a),
    graceMinutes: body.graceMinutes,
    ackTimeoutMinutes: body.ackTimeoutMinutes,
    signsOfLife: [...body.signsOfLife],
    offlineAlertMinutes: body.offlineAlertMinutes,
    isDefault: false,
    updatedAt: now,
  };
}

export function planToDto(plan: Plan): CheckinPlan {
  return {
    householdId: plan.householdId,
    enabled: plan.enabled,
    opensAt: formatLocalTime(plan.opensAt),
    deadline: formatLocalTime(plan.deadline),
    days: [0, 1, 2, 3, 4, 5, 6].filter((d) => (plan.days & (1 << d)) !== 0),
    reminderMinutes: plan.reminderMinutes,
    graceMinutes: plan.graceMinutes,
    ackTimeoutMinutes: plan.ackTimeoutMinutes,
    signsOfLife: plan.signsOfLife,
    offlineAlertMinutes: plan.offlineAlertMinutes,
    isDefault: plan.isDefault,
    updatedAt: plan.updatedAt === null ? null : new Date(plan.updatedAt).toISOString(),
  };
}

export interface DayWindow {
  day: string;
  /** A check-in day of the plan (enabled and its weekday chosen). */
  scheduled: boolean;
  opensAt: number;
  deadline: number;
  /** When the next day's window opens; signs of life up to here count (late) for this day. */
  closesAt: number;
}

/**
 * The answers of `windowFor` and `dayAt` for the plans asked about lately. The watch scheduler asks
 * both for every watched household on every tick, and most households share a plan's times (the
 * city's default): with ten thousand of them, working each out again (time-zone arithmetic) held
 * the event loop for 0.1 s a tick (issue 17, call routing in the full bench). Each is a pure
 * function of the plan's times, the day (or instant) and the zone.
 */
const MAX_REMEMBERED = 512;
const windows = new Map<string, Readonly<DayWindow>>();
const days = new Map<string, string>();
function remembered<V>(map: Map<string, V>, key: string, work: () => V): V {
  let v = map.get(key);
  if (v === undefined) {
    v = work();
    keepBounded(map, key, v, MAX_REMEMBERED);
  }
  return v;
}

export function windowFor(plan: Plan, day: string, timeZone: string): Readonly<DayWindow> {
  const key = `${plan.enabled ? 1 : 0}|${plan.days}|${plan.opensAt}|${plan.deadline}|${day}|${timeZone}`;
  return remembered(windows, key, () => {
    const opensAt = zonedInstant(day, plan.opensAt, timeZone);
    const deadline = zonedInstant(plan.deadline > plan.opensAt ? day : addDays(day, 1), plan.deadline, timeZone);
    const closesAt = zonedInstant(addDays(day, 1), plan.opensAt, timeZone);
    const scheduled = plan.enabled && (plan.days & (1 << weekday(day))) !== 0;
    return Object.freeze({ day, scheduled, opensAt, deadline, closesAt });
  });
}

/**
 * The check-in day whose window contains instant `t`. Remembered by the minute: a plan's times are
 * whole minutes and so are zone offsets, so every instant of one minute has the same day (a
 * morning's check-ins share an entry instead of adding one each).
 */
export function dayAt(plan: Plan, t: number, timeZone: string): string {
  return remembered(days, `${Math.floor(t / 60_000)}|${plan.opensAt}|${timeZone}`, () => {
    const date = localDate(t, timeZone);
    return t < zonedInstant(date, plan.opensAt, timeZone) ? addDays(date, -1) : date;
  });
}
