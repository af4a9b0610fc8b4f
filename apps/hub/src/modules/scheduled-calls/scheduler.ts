/**
 * Planned calls on the injected clock: one timer wakes at the next due time; each tick offers the
 * calls that fell due (one row per plan and due time, so once however often it runs or the hub
 * restarts), lets calls nobody rang within the hour lapse, and settles ringing calls whose end it
 * missed while stopped. A rung call that is not answered is a missed sign of life
 * (household.callMissed: the watch module raises a missed_call alert).
 */
import type { CallInfo } from '@tsunagu/protocol';
import type { HubContext } from '../../context';
import type { TimerHandle } from '../../lib/clock';
import { AppError, notFound } from '../../lib/errors';
import type { DomainEvents } from '../../lib/events';
import { rooms } from '../../plugins/socket';
import type { StaffParty } from '../calls/live-model';
import type { CallsService } from '../calls/service';
import type { Plans } from './plans';
import type { ScheduledCallsStore } from './store';
import { latestDue, nextDue } from './timing';

const MINUTE = 60_000;
/** A planned call nobody rang within this long lapses (it is not the resident's miss). */
export const LAPSE_MS = 60 * MINUTE;
const MAX_SLEEP_MS = 60 * MINUTE;

export interface CallScheduler {
  tick(): void;
  /** Settles once the calls rung before a restart that the last tick found ended are settled. */
  settled(): Promise<void>;
  /** A listener rings a planned call that is due: the resident's terminal rings. */
  ring(p: StaffParty, scheduledCallId: number): Promise<CallInfo>;
  stop(): void;
}

export function createCallScheduler(
  ctx: HubContext,
  deps: {
    store: ScheduledCallsStore;
    plans: Pick<Plans, 'toCallDto'>;
    calls: Pick<CallsService, 'record' | 'callResident'>;
  },
): CallScheduler {
  const { store, calls } = deps;
  const { clock } = ctx;
  const tz = ctx.config.timeZone;
  let timer: TimerHandle | null = null;
  let stopped = false;
  let settling: Promise<void> = Promise.resolve();
  const ringingNow = new Set<number>();

  function tell(ids: number[]) {
    for (const id of ids) {
      const c = store.call(id);
      if (c)
        ctx.sockets.staff
          .to([rooms.shop(c.shopId), rooms.role('cityhall')])
          .emit('call:scheduledCallChanged', deps.plans.toCallDto(c));
    }
  }

  /** How a rung planned call went, from how its call ended. */
  function settle(id: number, e: Pick<DomainEvents['call.ended'], 'answered' | 'reason' | 'callId' | 'at'>) {
    const c = store.call(id);
    if (c?.state !== 'ringing') return false;
    const now = clock.now();
    if (e.answered) store.setState(id, 'answered', now);
    else if (e.reason === 'declined') store.setState(id, 'declined', now);
    else if (e.reason === 'no_answer' || e.reason === 'connection_lost') {
      store.setState(id, 'missed', now);
      ctx.events.emit('household.callMissed', {
        householdId: c.householdId,
        callId: e.callId,
        scheduleId: c.scheduleId,
        at: e.at,
      });
    }
    // The listener stopped the ringing: the call waits to be made again.
    else store.setState(id, 'due', now);
    return true;
  }

  function tick() {
    if (stopped) return;
    const now = clock.now();
    let next = now + MAX_SLEEP_MS;
    const changed: number[] = [];
    const ringing: { id: number; callId: number }[] = [];
    try {
      ctx.db.transaction(() => {
        for (const s of store.list({ shopIds: null })) {
          const due = latestDue(s, now, tz);
          // Only calls due after the plan was last written; one the hub slept through is recorded as lapsed.
          if (due !== null && due > s.updatedAt) {
            const id = store.addCall(s.id, due, due > now - LAPSE_MS ? 'due' : 'lapsed', now);
            if (id !== null) changed.push(id);
          }
          const n = nextDue(s, now, tz);
          if (n !== null) next = Math.min(next, n);
        }
        for (const c of store.open(null)) {
          if (c.state === 'due') {
            if (c.dueAt <= now - LAPSE_MS) {
              store.setState(c.id, 'lapsed', now);
              changed.push(c.id);
            } else next = Math.min(next, c.dueAt + LAPSE_MS);
          } else if (c.callId !== null) ringing.push({ id: c.id, callId: c.callId });
        }
      })();
    } catch (err) {
      ctx.log.error({ err }, 'planned calls scheduler failed; retrying in a minute');
      next = now + MINUTE;
    }
    tell(changed);
    arm(Math.max(next, now + 1));
    if (ringing.length) settling = settleEnded(ringing);
  }

  /** Ringing when the hub stopped: the calls module ended that call at start. */
  async function settleEnded(ringing: { id: number; callId: number }[]) {
    try {
      for (const c of ringing) {
        const call = await calls.record(c.callId);
        if (stopped || !call || call.endedAt === null) continue;
        const e = { answered: call.answeredAt !== null, reason: call.endReason ?? '', callId: call.id };
        if (settle(c.id, { ...e, at: call.endedAt })) tell([c.id]);
      }
    } catch (err) {
      ctx.log.error({ err }, 'planned calls: the calls rung before a restart could not be settled');
    }
  }

  function arm(at: number) {
    if (stopped) return;
    timer?.cancel();
    timer = clock.setTimeout(() => {
      timer = null;
      tick();
    }, at - clock.now());
  }

  ctx.events.on('call.ended', (e) => {
    if (stopped) return;
    const c = store.byCallId(e.callId);
    if (c && settle(c.id, e)) tell([c.id]);
  });

  return {
    tick,
    settled: () => settling,
    async ring(p, scheduledCallId) {
      const c = store.call(scheduledCallId);
      if (!c || c.shopId !== p.user.shopId) throw notFound('planned call');
      if (c.state !== 'due' || ringingNow.has(c.id))
        throw new AppError(409, 'SCHEDULED_CALL_NOT_DUE', 'This planned call is not waiting to be made.');
      // The call's id comes from the calls table: nobody else rings this planned call meanwhile.
      ringingNow.add(c.id);
      let info: CallInfo;
      try {
        info = await calls.callResident(p, c.householdId);
      } finally {
        ringingNow.delete(c.id);
      }
      store.setState(c.id, 'ringing', clock.now(), info.callId);
      tell([c.id]);
      return info;
    },
    stop() {
      stopped = true;
      timer?.cancel();
      timer = null;
    },
  };
}
