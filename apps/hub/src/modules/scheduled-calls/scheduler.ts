/**
 * Planned calls on the injected clock: one timer wakes at the next due time; each tick offers the
 * calls that fell due (one row per plan and due time, so once however often it runs or the hub
 * restarts), lets calls nobody rang within the hour lapse, and settles ringing calls whose end it
 * missed while stopped. A rung call that is not answered is a missed sign of life
 * (household.callMissed: the watch module raises a missed_call alert). Each tick is one unit of
 * work; ticks run one at a time; each state change is a conditional update, so it happens once
 * whichever hub (or path: the call's end, the restart check) gets there first.
 */
import type { CallInfo } from '@tsunagu/protocol';
import type { HubContext } from '../../context';
import type { TimerHandle } from '../../lib/clock';
import { AppError, notFound } from '../../lib/errors';
import type { DomainEvents } from '../../lib/events';
import { rooms } from '../../plugins/socket';
import type { StaffParty } from '../calls/live-model';
import type { Calls } from '../calls/service';
import type { Plans } from './plans';
import type { ScheduledCallsStore } from './store';
import { latestDue, nextDue } from './timing';

const MINUTE = 60_000;
/** A planned call nobody rang within this long lapses (it is not the resident's miss). */
export const LAPSE_MS = 60 * MINUTE;
const MAX_SLEEP_MS = 60 * MINUTE;

export interface CallScheduler {
  /** Settles once this tick (and any before it) is done. */
  tick(): Promise<void>;
  /** A listener rings a planned call that is due: the resident's terminal rings. */
  ring(p: StaffParty, scheduledCallId: number): Promise<CallInfo>;
  /** Ticks now and then at each next due time (this hub runs the scheduled jobs). */
  start(): void;
  /** No more timed ticks; settles when the one under way has ended. */
  stop(): Promise<void>;
  /** The hub is closing: nothing more is written. */
  close(): Promise<void>;
}

type Outcome = Pick<DomainEvents['call.ended'], 'answered' | 'reason' | 'callId' | 'at'>;

export function createCallScheduler(
  ctx: HubContext,
  deps: {
    store: ScheduledCallsStore;
    /** `work` in one transaction, with the store of that transaction. */
    unitOfWork<T>(work: (store: ScheduledCallsStore) => Promise<T>): Promise<T>;
    plans: Pick<Plans, 'toCallDto'>;
    calls: Pick<Calls, 'record' | 'callResident'>;
  },
): CallScheduler {
  const { store, calls } = deps;
  const { clock } = ctx;
  const tz = ctx.config.timeZone;
  let timer: TimerHandle | null = null;
  /** This hub runs the timer (it runs the scheduled jobs). */
  let started = false;
  /** The hub is closing: nothing more is written. */
  let closed = false;

  async function tell(ids: number[]) {
    for (const id of ids) {
      const c = await store.call(id);
      if (c)
        ctx.sockets.staff
          .to([rooms.shop(c.shopId), rooms.role('cityhall')])
          .emit('call:scheduledCallChanged', deps.plans.toCallDto(c));
    }
  }

  /** How a rung planned call went, from how its call ended (once: false when it was settled already). */
  async function settle(id: number, e: Outcome): Promise<boolean> {
    const c = await store.call(id);
    if (c?.state !== 'ringing') return false;
    const missed = !e.answered && (e.reason === 'no_answer' || e.reason === 'connection_lost');
    // The listener stopped the ringing: the call waits to be made again.
    const state = e.answered ? 'answered' : e.reason === 'declined' ? 'declined' : missed ? 'missed' : 'due';
    if (!(await store.setState(id, state, clock.now(), { from: 'ringing' }))) return false;
    if (missed)
      ctx.events.emit('household.callMissed', {
        householdId: c.householdId,
        callId: e.callId,
        scheduleId: c.scheduleId,
        at: e.at,
      });
    return true;
  }

  let ticks: Promise<void> = Promise.resolve();
  const tick = () => {
    ticks = ticks.then(runTick);
    return ticks;
  };
  async function runTick() {
    if (closed) return;
    const now = clock.now();
    let next = now + MAX_SLEEP_MS;
    let changed: number[] = [];
    let ringing: { id: number; callId: number }[] = [];
    try {
      await deps.unitOfWork(async (tx) => {
        for (const s of await tx.list({ shopIds: null })) {
          const due = latestDue(s, now, tz);
          // Only calls due after the plan was last written; one the hub slept through is recorded as lapsed.
          if (due !== null && due > s.updatedAt) {
            const id = await tx.addCall(s.id, due, due > now - LAPSE_MS ? 'due' : 'lapsed', now);
            if (id !== null) changed.push(id);
          }
          const n = nextDue(s, now, tz);
          if (n !== null) next = Math.min(next, n);
        }
        for (const c of await tx.open(null)) {
          if (c.state === 'due') {
            if (c.dueAt <= now - LAPSE_MS) {
              if (await tx.setState(c.id, 'lapsed', now, { from: 'due' })) changed.push(c.id);
            } else next = Math.min(next, c.dueAt + LAPSE_MS);
          } else if (c.callId !== null) ringing.push({ id: c.id, callId: c.callId });
        }
      });
    } catch (err) {
      ctx.log.error({ err }, 'planned calls scheduler failed; retrying in a minute');
      next = now + MINUTE;
      changed = [];
      ringing = [];
    }
    arm(Math.max(next, now + 1));
    try {
      await tell(changed);
      // Ringing when the hub stopped: the calls module ended that call at start.
      for (const c of ringing) {
        const call = await calls.record(c.callId);
        if (closed || !call || call.endedAt === null) continue;
        const e = { answered: call.answeredAt !== null, reason: call.endReason ?? '', callId: call.id };
        if (await settle(c.id, { ...e, at: call.endedAt })) await tell([c.id]);
      }
    } catch (err) {
      ctx.log.error({ err }, 'planned calls: telling or settling after a tick failed');
    }
  }

  function arm(at: number) {
    if (!started || closed) return;
    timer?.cancel();
    timer = clock.setTimeout(() => {
      timer = null;
      void tick();
    }, at - clock.now());
  }

  ctx.events.on('call.ended', (e) => {
    if (closed) return;
    (async () => {
      const c = await store.byCallId(e.callId);
      if (c && (await settle(c.id, e))) await tell([c.id]);
    })().catch((err) => ctx.log.error({ err }, 'planned calls: a call’s end could not be recorded'));
  });

  function stop() {
    started = false;
    timer?.cancel();
    timer = null;
    return ticks;
  }

  return {
    tick,
    async ring(p, scheduledCallId) {
      const c = await store.call(scheduledCallId);
      if (!c || c.shopId !== p.user.shopId) throw notFound('planned call');
      // Claimed before the call is made: one listener (on any hub) rings it.
      if (c.state !== 'due' || !(await store.setState(c.id, 'ringing', clock.now(), { from: 'due' })))
        throw new AppError(409, 'SCHEDULED_CALL_NOT_DUE', 'This planned call is not waiting to be made.');
      let info: CallInfo;
      try {
        info = await calls.callResident(p, c.householdId);
      } catch (err) {
        await store.setState(c.id, 'due', clock.now(), { from: 'ringing' });
        throw err;
      }
      await store.setState(c.id, 'ringing', clock.now(), { callId: info.callId });
      await tell([c.id]);
      return info;
    },
    start() {
      started = true;
      void tick();
    },
    stop,
    close() {
      closed = true;
      return stop();
    },
  };
}
