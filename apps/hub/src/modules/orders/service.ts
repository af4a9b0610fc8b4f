/**
 * Orders taken on a call: built by shop staff from the catalogue or as free lines, confirmed by
 * the resident on the terminal, then received → preparing → out for delivery → delivered (or
 * cancelled). Every message for the terminal is stored first, then sent, then acknowledged.
 */
import {
  ORDER_TRANSITIONS,
  type Order,
  type OrderLine,
  type OrderLineInput,
  type OrderMessage,
  type OrderStatus,
} from '@tsunagu/protocol';
import type { HubContext } from '../../context';
import { AppError, badRequest, notFound } from '../../lib/errors';
import { rooms } from '../../plugins/socket';
import type { HouseholdReads } from '../households/sqlite-reads';
import type { ShopsStore } from '../shops/store';
import type { OrderRecord, OrdersStore } from './store';

export type OrdersService = ReturnType<typeof createOrdersService>;

export function createOrdersService(
  ctx: HubContext,
  deps: { store: OrdersStore; shops: ShopsStore; households: HouseholdReads },
) {
  const { store, shops, households } = deps;
  const { clock, sockets } = ctx;

  function toOrder(r: OrderRecord): Order {
    const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
    const priced = r.lines.every((l) => l.priceYen !== null);
    const household = households.get(r.householdId);
    return {
      id: r.id,
      shopId: r.shopId,
      shopName: shops.get(r.shopId)?.name ?? '',
      householdId: r.householdId,
      householdName: household?.name ?? '',
      deliveryAddress: household?.address ?? '',
      deliveryPhone: household?.phone || null,
      callId: r.callId,
      status: r.status,
      lines: r.lines,
      totalYen: priced ? r.lines.reduce((sum, l) => sum + l.priceYen! * l.quantity, 0) : null,
      note: r.note,
      createdBy: r.createdBy,
      createdAt: new Date(r.createdAt).toISOString(),
      confirmedAt: iso(r.confirmedAt),
      updatedAt: new Date(r.updatedAt).toISOString(),
      wellbeing: r.wellbeing,
      deliveryNote: r.deliveryNote,
    };
  }

  function resolveLines(shopId: number, input: OrderLineInput[]): OrderLine[] {
    const catalogue = new Map(shops.items(shopId).map((i) => [i.id, i]));
    return input.map((l, i) => {
      if (l.itemId !== undefined && l.itemId !== null) {
        const item = catalogue.get(l.itemId);
        if (!item)
          throw badRequest('UNKNOWN_ITEM', `Line ${i + 1}: item ${l.itemId} is not in this shop's catalogue.`, [
            { path: `lines.${i}.itemId`, message: 'not in catalogue' },
          ]);
        return {
          itemId: item.id,
          name: l.name ?? item.name,
          quantity: l.quantity,
          unit: l.unit ?? item.unit,
          priceYen: l.priceYen ?? item.priceYen,
          photoUrl: item.photoUrl,
        };
      }
      if (!l.name)
        throw badRequest('VALIDATION_FAILED', `Line ${i + 1}: a free line needs a name.`, [
          { path: `lines.${i}.name`, message: 'required' },
        ]);
      return {
        itemId: null,
        name: l.name,
        quantity: l.quantity,
        unit: l.unit ?? '',
        priceYen: l.priceYen ?? null,
        photoUrl: null,
      };
    });
  }

  function mustGet(id: number): OrderRecord {
    const r = store.get(id);
    if (!r) throw notFound('order');
    return r;
  }

  /** Persist, then send; the terminal acknowledges with `order:ack`, or gets it again on reconnect. */
  function tellTerminal(r: OrderRecord, kind: OrderMessage['kind']) {
    const messageId = store.addMessage({ orderId: r.id, householdId: r.householdId, kind, now: clock.now() });
    sockets.terminals.to(rooms.household(r.householdId)).emit('order:message', { messageId, kind, order: toOrder(r) });
  }

  function tellStaff(r: OrderRecord) {
    sockets.staff.to([rooms.shop(r.shopId), rooms.role('cityhall')]).emit('order:changed', toOrder(r));
  }

  function transition(r: OrderRecord, to: OrderStatus, patch?: Parameters<OrdersStore['setStatus']>[3]): OrderRecord {
    if (!ORDER_TRANSITIONS[r.status].includes(to)) {
      throw new AppError(409, 'INVALID_TRANSITION', `An order that is ${r.status} cannot become ${to}.`);
    }
    store.setStatus(r.id, to, clock.now(), patch);
    return mustGet(r.id);
  }

  return {
    toOrder,
    get: (id: number) => store.get(id),
    lookup(id: number) {
      const r = store.get(id);
      return r ? { shopId: r.shopId, householdId: r.householdId } : null;
    },

    create(
      body: { shopId: number; householdId: number; callId?: number; lines: OrderLineInput[]; note?: string },
      createdBy: number | null,
    ): Order {
      if (!shops.get(body.shopId)) throw notFound('shop');
      if (!households.get(body.householdId))
        throw badRequest('VALIDATION_FAILED', `Household ${body.householdId} does not exist.`);
      const lines = resolveLines(body.shopId, body.lines);
      const id = store.create({
        shopId: body.shopId,
        householdId: body.householdId,
        callId: body.callId ?? null,
        note: body.note ?? '',
        createdBy,
        now: clock.now(),
        lines,
      });
      const r = mustGet(id);
      tellStaff(r);
      return toOrder(r);
    },

    updateLines(id: number, body: { lines: OrderLineInput[]; note?: string }): Order {
      let r = mustGet(id);
      if (r.status !== 'draft' && r.status !== 'awaiting_confirmation')
        throw new AppError(409, 'INVALID_TRANSITION', 'Only an order the resident has not confirmed can be changed.');
      if (r.status === 'awaiting_confirmation') r = transition(r, 'draft');
      store.replaceLines(id, resolveLines(r.shopId, body.lines), body.note, clock.now());
      r = mustGet(id);
      tellStaff(r);
      return toOrder(r);
    },

    /** Shows the order on the resident's terminal with はい / いいえ. */
    sendForConfirmation(id: number): Order {
      const r = transition(mustGet(id), 'awaiting_confirmation');
      tellTerminal(r, 'confirm_request');
      tellStaff(r);
      return toOrder(r);
    },

    /** The resident's はい (accept) or いいえ (back to the shop as a draft). */
    respond(householdId: number, orderId: number, accept: boolean): Order {
      const r0 = store.get(orderId);
      if (!r0 || r0.householdId !== householdId) throw notFound('order');
      if (r0.status !== 'awaiting_confirmation')
        throw new AppError(409, 'INVALID_TRANSITION', 'This order is not waiting for your answer.');
      const now = clock.now();
      const r = accept ? transition(r0, 'received', { confirmedAt: now }) : transition(r0, 'draft');
      tellStaff(r);
      if (accept) {
        tellTerminal(r, 'status');
        ctx.events.emit('household.activity', { householdId, kind: 'order_confirmed', at: now });
      }
      return toOrder(r);
    },

    setStatus(id: number, status: 'preparing' | 'out_for_delivery' | 'cancelled'): Order {
      const r = transition(mustGet(id), status);
      tellTerminal(r, 'status');
      tellStaff(r);
      return toOrder(r);
    },

    /** Delivered: the staff's note of how the resident seemed is a wellbeing visit. */
    deliver(id: number, wellbeing: 'well' | 'concern', note: string, source: string): Order {
      if (wellbeing === 'concern' && note.trim() === '')
        throw badRequest('VALIDATION_FAILED', 'Write what worried you, so the watchers know what to look at.', [
          { path: 'note', message: 'required for a concern' },
        ]);
      const r = transition(mustGet(id), 'delivered', { wellbeing, deliveryNote: note });
      tellTerminal(r, 'status');
      tellStaff(r);
      const at = clock.now();
      if (wellbeing === 'concern')
        ctx.events.emit('household.concern', { householdId: r.householdId, source, note, at });
      else ctx.events.emit('household.activity', { householdId: r.householdId, kind: 'delivery_well', at });
      return toOrder(r);
    },

    list(f: Parameters<OrdersStore['list']>[0]): Order[] {
      return store.list(f).map(toOrder);
    },

    /** What a reconnecting terminal missed. */
    pendingFor(householdId: number): OrderMessage[] {
      return store
        .pendingMessages(householdId)
        .map((m) => ({ messageId: m.id, kind: m.kind, order: toOrder(mustGet(m.orderId)) }));
    },

    ack(householdId: number, ids: number[]): number {
      return store.ackMessages(householdId, ids, clock.now());
    },
  };
}
