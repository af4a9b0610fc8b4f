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
import type { HouseholdsStore } from '../households/store';
import type { ShopsStore } from '../shops/store';
import type { OrderMessageKind, OrderRecord, OrdersStore, StatusPatch } from './store';

export type OrdersService = ReturnType<typeof createOrdersService>;

export function createOrdersService(
  ctx: HubContext,
  deps: { store: OrdersStore; shops: ShopsStore; households: HouseholdsStore },
) {
  const { store, shops, households } = deps;
  const { clock, sockets } = ctx;

  async function toOrder(r: OrderRecord): Promise<Order> {
    const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
    const priced = r.lines.every((l) => l.priceYen !== null);
    const household = await households.get(r.householdId);
    return {
      id: r.id,
      shopId: r.shopId,
      shopName: (await shops.get(r.shopId))?.name ?? '',
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

  async function resolveLines(shopId: number, input: OrderLineInput[]): Promise<OrderLine[]> {
    const catalogue = new Map((await shops.items(shopId)).map((i) => [i.id, i]));
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

  async function mustGet(id: number): Promise<OrderRecord> {
    const r = await store.get(id);
    if (!r) throw notFound('order');
    return r;
  }

  const cannot = (from: OrderStatus, to: OrderStatus) =>
    new AppError(409, 'INVALID_TRANSITION', `An order that is ${from} cannot become ${to}.`);

  /**
   * Moves the order on, and with `tell` stores the terminal's message in the same unit of work
   * (persisted, then sent: the terminal acknowledges with `order:ack`, or gets it again on
   * reconnect). The update is conditional on the state read: of two requests (or hubs) at once, the
   * second is refused as the first would have refused it afterwards.
   */
  async function transition(r: OrderRecord, to: OrderStatus, patch?: StatusPatch, tell?: OrderMessageKind) {
    if (!ORDER_TRANSITIONS[r.status].includes(to)) throw cannot(r.status, to);
    const done = await store.transition({ id: r.id, from: r.status, to, now: clock.now(), patch, tell });
    const after = await mustGet(r.id);
    if (!done) throw cannot(after.status, to);
    const order = await toOrder(after);
    if (tell)
      sockets.terminals
        .to(rooms.household(after.householdId))
        .emit('order:message', { messageId: done.messageId!, kind: tell, order });
    return order;
  }

  function tellStaff(order: Order) {
    sockets.staff.to([rooms.shop(order.shopId), rooms.role('cityhall')]).emit('order:changed', order);
  }

  return {
    toOrder,
    get: (id: number) => store.get(id),
    async lookup(id: number) {
      const r = await store.get(id);
      return r ? { shopId: r.shopId, householdId: r.householdId } : null;
    },

    async create(
      body: { shopId: number; householdId: number; callId?: number; lines: OrderLineInput[]; note?: string },
      createdBy: number | null,
    ): Promise<Order> {
      if (!(await shops.get(body.shopId))) throw notFound('shop');
      if (!(await households.get(body.householdId)))
        throw badRequest('VALIDATION_FAILED', `Household ${body.householdId} does not exist.`);
      const lines = await resolveLines(body.shopId, body.lines);
      const id = await store.create({
        shopId: body.shopId,
        householdId: body.householdId,
        callId: body.callId ?? null,
        note: body.note ?? '',
        createdBy,
        now: clock.now(),
        lines,
      });
      const order = await toOrder(await mustGet(id));
      tellStaff(order);
      return order;
    },

    async updateLines(id: number, body: { lines: OrderLineInput[]; note?: string }): Promise<Order> {
      const r = await mustGet(id);
      const notConfirmed = () =>
        new AppError(409, 'INVALID_TRANSITION', 'Only an order the resident has not confirmed can be changed.');
      if (r.status !== 'draft' && r.status !== 'awaiting_confirmation') throw notConfirmed();
      // Back to a draft with the new lines in one unit of work; refused if the resident confirmed meanwhile.
      if (!(await store.replaceLines(id, await resolveLines(r.shopId, body.lines), body.note, clock.now())))
        throw notConfirmed();
      const order = await toOrder(await mustGet(id));
      tellStaff(order);
      return order;
    },

    /** Shows the order on the resident's terminal with はい / いいえ. */
    async sendForConfirmation(id: number): Promise<Order> {
      const order = await transition(await mustGet(id), 'awaiting_confirmation', undefined, 'confirm_request');
      tellStaff(order);
      return order;
    },

    /** The resident's はい (accept) or いいえ (back to the shop as a draft). */
    async respond(householdId: number, orderId: number, accept: boolean): Promise<Order> {
      const r0 = await store.get(orderId);
      if (!r0 || r0.householdId !== householdId) throw notFound('order');
      const notWaiting = () => new AppError(409, 'INVALID_TRANSITION', 'This order is not waiting for your answer.');
      if (r0.status !== 'awaiting_confirmation') throw notWaiting();
      const now = clock.now();
      let order: Order;
      try {
        order = accept
          ? await transition(r0, 'received', { confirmedAt: now }, 'status')
          : await transition(r0, 'draft');
      } catch (err) {
        // Answered meanwhile (a second tap, another hub) or changed by the shop: the same answer as above.
        if (err instanceof AppError && err.code === 'INVALID_TRANSITION') throw notWaiting();
        throw err;
      }
      tellStaff(order);
      if (accept) ctx.events.emit('household.activity', { householdId, kind: 'order_confirmed', at: now });
      return order;
    },

    async setStatus(id: number, status: 'preparing' | 'out_for_delivery' | 'cancelled'): Promise<Order> {
      const order = await transition(await mustGet(id), status, undefined, 'status');
      tellStaff(order);
      return order;
    },

    /** Delivered: the staff's note of how the resident seemed is a wellbeing visit. */
    async deliver(id: number, wellbeing: 'well' | 'concern', note: string, source: string): Promise<Order> {
      if (wellbeing === 'concern' && note.trim() === '')
        throw badRequest('VALIDATION_FAILED', 'Write what worried you, so the watchers know what to look at.', [
          { path: 'note', message: 'required for a concern' },
        ]);
      const order = await transition(await mustGet(id), 'delivered', { wellbeing, deliveryNote: note }, 'status');
      tellStaff(order);
      const at = clock.now();
      if (wellbeing === 'concern')
        ctx.events.emit('household.concern', { householdId: order.householdId, source, note, at });
      else ctx.events.emit('household.activity', { householdId: order.householdId, kind: 'delivery_well', at });
      return order;
    },

    async list(f: Parameters<OrdersStore['list']>[0]): Promise<Order[]> {
      return Promise.all((await store.list(f)).map(toOrder));
    },

    /** What a reconnecting terminal missed. */
    async pendingFor(householdId: number): Promise<OrderMessage[]> {
      const messages = await store.pendingMessages(householdId);
      return Promise.all(
        messages.map(async (m) => ({ messageId: m.id, kind: m.kind, order: await toOrder(await mustGet(m.orderId)) })),
      );
    },

    ack(householdId: number, ids: number[]): Promise<number> {
      return store.ackMessages(householdId, ids, clock.now());
    },
  };
}
