/** How calls, queues and operators look to terminals and consoles. */
import type { CallInfo, OperatorState, QueuePosition, QueueView } from '@tsunagu/protocol';
import type { Clock } from '../../lib/clock';
import { AppError, notFound } from '../../lib/errors';
import type { AccountsStore } from '../accounts/store';
import type { HouseholdsStore } from '../households/store';
import { isOpen } from '../shops/hours';
import type { ShopsStore } from '../shops/store';
import type { CallRouter } from './router';
import type { CallRecord } from './store';

export interface CallViews {
  info(c: CallRecord): CallInfo;
  /** A waiting caller's place (null once it is no longer queued). */
  queuePosition(callId: number): QueuePosition | null;
  operatorState(userId: number): OperatorState;
  queueView(shopId: number): QueueView;
}

export function createCallViews(deps: {
  clock: Clock;
  timeZone: string;
  router: CallRouter;
  shops: ShopsStore;
  households: HouseholdsStore;
  accounts: AccountsStore;
}): CallViews {
  const { router, shops, households, accounts } = deps;
  const shopOpen = (shopId: number) => {
    const shop = shops.get(shopId);
    return shop ? isOpen(shop.openingHours, deps.clock.now(), deps.timeZone) : false;
  };

  function operatorState(userId: number): OperatorState {
    const op = router.operator(userId);
    const user = accounts.userById(userId);
    if (!op || !user || user.shopId === null)
      throw new AppError(403, 'NOT_AN_OPERATOR', 'Only shop staff and listeners take calls.');
    return {
      operatorId: userId,
      name: user.displayName,
      shopId: user.shopId,
      availability: op.availability,
      activity: router.activity(op),
      callId: op.callId ?? op.ringingCallId,
      missedRings: op.missedRings,
    };
  }

  return {
    operatorState,

    info(c) {
      const shop = shops.get(c.shopId);
      const op = c.operatorId !== null ? accounts.userById(c.operatorId) : undefined;
      return {
        callId: c.id,
        shopId: c.shopId,
        shopName: shop?.name ?? '',
        shopKind: shop?.kind ?? 'shop',
        householdId: c.householdId,
        householdName: households.get(c.householdId)?.name ?? '',
        operatorId: c.operatorId,
        operatorName: op?.displayName ?? null,
        direction: c.direction,
        status: c.status,
      };
    },

    queuePosition(callId) {
      const p = router.position(callId);
      if (!p) return null;
      const notice = !shopOpen(p.queueId) ? 'closed' : p.nobodyAvailable ? 'nobody_available' : null;
      return {
        callId,
        shopId: p.queueId,
        position: p.position,
        ahead: p.ahead,
        estimatedWaitSeconds: Math.round(p.estimatedWaitMs / 1000),
        notice,
        callback: p.callback,
      };
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
          householdName: households.get(e.householdId)?.name ?? '',
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
