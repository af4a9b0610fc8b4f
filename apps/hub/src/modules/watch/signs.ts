/** Signs of life: check-ins (group-committed) and other activity; one closes a missed-check-in alert "all clear". */
import type { ActivityKind, CheckinReceipt, CheckinSubmit } from '@tsunagu/protocol';
import { Counter, Histogram } from 'prom-client';
import { badRequest } from '../../lib/errors';
import { dayAt } from '../checkins/plan';
import { type CheckinWriter, createCheckinWriter } from '../checkins/writer';
import type { Notifier, Outbox } from './notify';
import { DEFAULT_MAX_CHECKIN_AGE_MS, iso, type Plans, type WatchContext, type WatchDeps } from './parts';
import type { WatchStore } from './store';

export interface Signs {
  /** `from`: the socket it came by (its answer is the receipt; the household's others hear the status). */
  submitCheckin(
    householdId: number,
    terminalId: number | null,
    payload: CheckinSubmit,
    from?: string,
  ): Promise<CheckinReceipt>;
  /** Any other activity that may count as a sign of life (a call, an order, an acknowledgement…). */
  record(householdId: number, kind: ActivityKind, at: number): Promise<void>;
  writer: CheckinWriter;
}

export function createSigns(
  ctx: WatchContext,
  deps: WatchDeps & { plans: Plans; notify: Notifier; maxCheckinAgeMs?: number },
): Signs {
  const { checkins, plans, notify } = deps;
  const maxAge = deps.maxCheckinAgeMs ?? DEFAULT_MAX_CHECKIN_AGE_MS;
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
  const writer = createCheckinWriter(checkins, { onBatch: (n) => batchSize.observe(n) });

  /**
   * After a sign of life is stored: an open missed-check-in alert since that day, or a missed
   * planned call before it, closes "all clear".
   */
  const counts = async (householdId: number, kind: ActivityKind) =>
    (await plans.planFor(householdId)).signsOfLife.includes(kind);
  async function closable(alerts: WatchStore, householdId: number, kind: ActivityKind, at: number) {
    if (!(await counts(householdId, kind))) return [];
    return (await alerts.activeForHousehold(householdId)).filter(
      (a) => (a.kind === 'missed_checkin' || a.kind === 'missed_call') && (a.sinceAt === null || at >= a.sinceAt),
    );
  }

  async function afterSignOfLife(outbox: Outbox, householdId: number, kind: ActivityKind, at: number, from?: string) {
    const { alerts } = outbox;
    for (const a of await closable(alerts, householdId, kind, at)) {
      const now = ctx.clock.now();
      const note = kind === 'checkin' ? 'The resident checked in.' : `Sign of life: ${kind}.`;
      if (await alerts.resolve(a.id, now, 'system', 'all_clear', note)) {
        await alerts.addEvent(a.id, {
          at: now,
          type: 'all_clear',
          actor: 'system',
          level: a.level,
          detail: { kind, at: iso(at) },
        });
        notify.updated(outbox, a.id);
        notify.settled(outbox, a.id, 'resolved', 'system');
      }
    }
    notify.board(outbox, householdId);
    if (kind === 'checkin') notify.terminalStatus(outbox, householdId, from);
  }

  // Signs of life other than check-ins (an answered call, a confirmed order…) made in one turn of
  // the event loop are stored in one unit of work: with synchronous=FULL each commit is a disk
  // flush, and a busy hour's calls each paid one. Scheduled like the check-in writer's group commit
  // (setImmediate, not the injected clock); each promise settles after the commit. That commit does
  // not wait for the disk either (`flush: false`, as terminal presence): a sign of life lost to a
  // power cut can only bring back a missed check-in's alert that it had settled, never hide one, and
  // on SQLite each flush held the event loop, so a busy hour's rings waited behind them (issue 17).
  // The resident's own 元気です (the check-in writer) still waits for the disk.
  let signs: { householdId: number; kind: ActivityKind; at: number; resolve(): void; reject(err: unknown): void }[] =
    [];
  async function recordSigns() {
    const batch = signs;
    signs = [];
    try {
      await notify.inTransaction(
        async (outbox) => {
          for (const s of batch) {
            await outbox.checkins.recordSign(s.householdId, s.kind, s.at);
            await afterSignOfLife(outbox, s.householdId, s.kind, s.at);
          }
        },
        { flush: false },
      );
      for (const s of batch) s.resolve();
    } catch (err) {
      for (const s of batch) s.reject(err);
    }
  }

  return {
    writer,

    record: (householdId, kind, at) =>
      new Promise<void>((resolve, reject) => {
        signs.push({ householdId, kind, at, resolve, reject });
        if (signs.length === 1) setImmediate(recordSigns);
      }),

    async submitCheckin(householdId, terminalId, payload, from) {
      const now = ctx.clock.now();
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
      if (!outcome.duplicate) {
        // Nearly always nothing to close: then no unit of work of its own (it queued behind, and
        // delayed, the next group commit), only the board and the terminal told. Closing re-reads
        // the alerts inside the unit of work.
        if ((await counts(householdId, 'checkin')) && (await deps.alerts.hasClosableMissed(householdId, outcome.at)))
          await notify.inTransaction((outbox) => afterSignOfLife(outbox, householdId, 'checkin', outcome.at, from));
        else
          await notify.send((outbox) => {
            notify.board(outbox, householdId);
            notify.terminalStatus(outbox, householdId, from);
          });
        ctx.events.emit('household.activity', { householdId, kind: 'checkin', at: outcome.at });
      } else if (outcome.moodChanged) {
        await notify.send((outbox) => notify.board(outbox, householdId));
      }
      return {
        checkinId: outcome.checkinId,
        duplicate: outcome.duplicate,
        countedAt: iso(outcome.at),
        day: dayAt(await plans.planFor(householdId), outcome.at, ctx.config.timeZone),
        mood: outcome.mood,
      };
    },
  };
}
