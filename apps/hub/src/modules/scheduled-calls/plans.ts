/** Weekly plans of listening calls: who may see and change which, and how they look on the wire. */
import type {
  CallSchedule,
  CallScheduleBody,
  CallScheduleList,
  CallScheduleUpdateBody,
  ScheduledCall,
} from '@tsunagu/protocol';
import type { HubContext } from '../../context';
import { AppError, badRequest, notFound } from '../../lib/errors';
import type { Principal } from '../../lib/principal';
import { formatLocalTime, parseLocalTime } from '../checkins/time';
import type { HouseholdsStore } from '../households/store';
import type { ShopsStore } from '../shops/store';
import type { ScheduledCallRecord, ScheduledCallsStore, ScheduleRecord } from './store';
import { nextDue, weekdayList, weekdayMask } from './timing';

export interface Plans {
  list(p: Principal | null, householdId?: number): Promise<CallScheduleList>;
  create(p: Principal | null, actor: string, body: CallScheduleBody): Promise<CallSchedule>;
  update(p: Principal | null, id: number, body: CallScheduleUpdateBody): Promise<CallSchedule>;
  remove(p: Principal | null, id: number): Promise<ScheduleRecord>;
  toCallDto(c: ScheduledCallRecord): ScheduledCall;
}

const iso = (t: number) => new Date(t).toISOString();

/** The lines a caller plans for: a listener their own, city hall every one (null); others none. */
export function linesOf(p: Principal | null): number[] | null {
  if (!p || p.kind === 'terminal') return [];
  if (p.kind === 'apikey') return p.role === 'cityhall' ? null : [];
  if (p.user.role === 'cityhall') return null;
  if (p.user.role === 'listener' && p.user.shopId !== null) return [p.user.shopId];
  return [];
}

export function createPlans(
  ctx: HubContext,
  deps: { store: ScheduledCallsStore; households: HouseholdsStore; shops: ShopsStore; changed(): void },
): Plans {
  const { store, households, shops } = deps;
  const tz = ctx.config.timeZone;

  const toCallDto = (c: ScheduledCallRecord): ScheduledCall => ({
    id: c.id,
    scheduleId: c.scheduleId,
    householdId: c.householdId,
    householdName: c.householdName,
    shopId: c.shopId,
    dueAt: iso(c.dueAt),
    state: c.state,
    callId: c.callId,
    note: c.note,
  });
  async function toDto(s: ScheduleRecord): Promise<CallSchedule> {
    const next = nextDue(s, ctx.clock.now(), tz);
    const last = await store.latestOf(s.id);
    return {
      id: s.id,
      householdId: s.householdId,
      householdName: s.householdName,
      shopId: s.shopId,
      shopName: s.shopName,
      weekdays: weekdayList(s.weekdays),
      time: formatLocalTime(s.minutes),
      note: s.note,
      nextAt: next === null ? null : iso(next),
      last: last ? toCallDto(last) : null,
      updatedAt: iso(s.updatedAt),
    };
  }
  /** A plan the caller may change; the same answer for another line's plan and none. */
  async function own(p: Principal | null, id: number): Promise<ScheduleRecord> {
    const s = await store.get(id);
    const lines = linesOf(p);
    if (!s || (lines !== null && !lines.includes(s.shopId))) throw notFound('call plan');
    return s;
  }
  async function line(p: Principal | null, shopId: number | undefined): Promise<number> {
    const lines = linesOf(p);
    const listening = (await shops.list()).filter((s) => s.kind === 'listening');
    const chosen = shopId ?? (lines?.length === 1 ? lines[0] : listening.length === 1 ? listening[0]!.id : undefined);
    if (chosen === undefined)
      throw badRequest('VALIDATION_FAILED', 'Choose the listening line that makes the call.', [
        { path: 'shopId', message: 'required' },
      ]);
    if (lines !== null && !lines.includes(chosen)) throw notFound('listening line');
    const shop = await shops.get(chosen);
    if (!shop) throw notFound('listening line');
    if (shop.kind !== 'listening')
      throw new AppError(400, 'NOT_A_LISTENING_LINE', 'Planned calls are made by a listening line, not a shop.');
    return chosen;
  }

  return {
    toCallDto,
    async list(p, householdId) {
      const lines = linesOf(p);
      return {
        schedules: await Promise.all((await store.list({ shopIds: lines, householdId })).map(toDto)),
        due: (await store.open(lines))
          .filter((c) => c.state === 'due' && (householdId === undefined || c.householdId === householdId))
          .map(toCallDto),
      };
    },
    async create(p, actor, body) {
      const shopId = await line(p, body.shopId);
      if (!(await households.get(body.householdId))) throw notFound('household');
      const id = await store.create({
        householdId: body.householdId,
        shopId,
        weekdays: weekdayMask(body.weekdays),
        minutes: parseLocalTime(body.time),
        note: body.note?.trim() ?? '',
        createdBy: actor,
        now: ctx.clock.now(),
      });
      deps.changed();
      return toDto(await own(p, id));
    },
    async update(p, id, body) {
      await own(p, id);
      await store.update(id, {
        weekdays: weekdayMask(body.weekdays),
        minutes: parseLocalTime(body.time),
        note: body.note?.trim() ?? '',
        now: ctx.clock.now(),
      });
      deps.changed();
      return toDto(await own(p, id));
    },
    async remove(p, id) {
      const s = await own(p, id);
      await store.remove(id);
      deps.changed();
      return s;
    },
  };
}
