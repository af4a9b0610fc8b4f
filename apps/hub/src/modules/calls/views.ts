/**
 * How calls, queues and operators look to terminals and consoles. Names come from the calls'
 * directory kept in memory (directory.ts), so a busy queue's views never read the database for every
 * caller and operator.
 */
import type { CallInfo, OperatorState, QueuePosition, QueueView, User } from '@tsunagu/protocol';
import type { Clock } from '../../lib/clock';
import { AppError, notFound } from '../../lib/errors';
import type { ShopDirectory } from '../shops/directory';
import { isOpen } from '../shops/hours';
import type { CallsDirectory } from './directory';
import type { CallRouter } from './router';
import type { CallRecord } from './store';

export interface CallViews {
  info(c: CallRecord): CallInfo;
  /** A waiting caller's place (null once it is no longer queued). */
  queuePosition(callId: number): QueuePosition | null;
  /** The places in one queue that may have changed since last asked (see CallRouter.changedPositions). */
  changedPositions(shopId: number): QueuePosition[];
  /** The staff member's name as their console connected. */
  rememberUser(user: User): void;
  operatorState(userId: number): OperatorState;
  queueView(shopId: number): QueueView;
}

export function createCallViews(deps: {
  clock: Clock;
  timeZone: string;
  router: CallRouter;
  shops: ShopDirectory;
  directory: CallsDirectory;
}): CallViews {
  const { router, directory } = deps;
  // A shop (and whether it is open) is read once per turn of the event loop, not for every call
  // and view sent in it: a burst of calls in ten shops reads ten rows.
  const turn = new Map<number, { shop: ReturnType<ShopDirectory['get']>; open: boolean }>();
  const shopNow = (shopId: number) => {
    let s = turn.get(shopId);
    if (!s) {
      if (turn.size === 0) setImmediate(() => turn.clear());
      const shop = deps.shops.get(shopId);
      s = { shop, open: shop ? isOpen(shop.openingHours, deps.clock.now(), deps.timeZone) : false };
      turn.set(shopId, s);
    }
    return s;
  };
  const shops = { get: (shopId: number) => shopNow(shopId).shop };
  const wasClosed = new Map<number, 'closed' | null>();
  const householdName = (id: number) => directory.household(id)?.name ?? '';
  const userName = (id: number): string | null => directory.userName(id) ?? null;
  const shopOpen = (shopId: number) => shopNow(shopId).open;

  function operatorState(userId: number): OperatorState {
    const op = router.operator(userId);
    const name = op ? userName(userId) : null;
    if (!op || name === null) throw new AppError(403, 'NOT_AN_OPERATOR', 'Only shop staff and listeners take calls.');
    return {
      operatorId: userId,
      name,
      shopId: op.queueId,
      availability: op.availability,
      activity: router.activity(op),
      callId: op.callId ?? op.ringingCallId,
      missedRings: op.missedRings,
    };
  }

  const place = (p: NonNullable<ReturnType<CallRouter['position']>>, notice: QueuePosition['notice']) => ({
    callId: p.callId,
    shopId: p.queueId,
    position: p.position,
    ahead: p.ahead,
    estimatedWaitSeconds: Math.round(p.estimatedWaitMs / 1000),
    notice: notice ?? (p.nobodyAvailable ? 'nobody_available' : null),
    callback: p.callback,
  });

  return {
    operatorState,
    rememberUser: (user) => directory.rememberUser(user),

    info(c) {
      const shop = shops.get(c.shopId);
      const operatorName = c.operatorId !== null ? userName(c.operatorId) : null;
      return {
        callId: c.id,
        shopId: c.shopId,
        shopName: shop?.name ?? '',
        shopKind: shop?.kind ?? 'shop',
        householdId: c.householdId,
        householdName: householdName(c.householdId),
        operatorId: c.operatorId,
        operatorName,
        direction: c.direction,
        status: c.status,
      };
    },

    queuePosition(callId) {
      const p = router.position(callId);
      return p ? place(p, shopOpen(p.queueId) ? null : 'closed') : null;
    },

    changedPositions(shopId) {
      const closed = shopOpen(shopId) ? null : 'closed';
      // Opening or closing changes every caller's notice.
      const all = wasClosed.get(shopId) !== closed;
      wasClosed.set(shopId, closed);
      return router.changedPositions(shopId, all).map((p) => place(p, closed));
    },

    queueView(shopId) {
      const shop = shops.get(shopId);
      if (!shop) throw notFound('shop');
      const f = router.figures(shopId);
      return {
        shopId,
        shopName: shop.name,
        shopKind: shop.kind,
        open: shopOpen(shopId),
        entries: router.queue(shopId).map((e) => ({
          callId: e.callId,
          householdId: e.householdId,
          householdName: householdName(e.householdId),
          since: new Date(e.enqueuedAt).toISOString(),
          callback: e.callback,
          ringingOperatorId: e.ringing?.operatorId ?? null,
        })),
        operators: router.queueOperators(shopId).map((o) => operatorState(o.id)),
        figures: {
          shopId,
          waitingNow: f.waitingNow,
          callbacksWaiting: f.callbacksWaiting,
          averageSpeedOfAnswerSeconds: f.averageSpeedOfAnswerMs / 1000,
          abandonmentRate: f.abandonmentRate,
          answeredWithin20sShare: f.answeredWithinServiceLevelShare,
          averageHandleSeconds: f.averageHandleMs / 1000,
          callsPerOperator: f.callsPerOperator,
          answered: f.answered,
          abandoned: f.abandoned,
        },
      };
    },
  };
}
