/** SQL for orders, their lines, and the order messages owed to terminals (an outbox), on both engines (db/sql.ts). */
import type { DeliveryWellbeing, OrderLine, OrderStatus } from '@tsunagu/protocol';
import { conditions, type Sql } from '../../db/sql';

export interface OrderRecord {
  id: number;
  shopId: number;
  householdId: number;
  callId: number | null;
  status: OrderStatus;
  note: string;
  createdBy: number | null;
  createdAt: number;
  confirmedAt: number | null;
  updatedAt: number;
  wellbeing: DeliveryWellbeing | null;
  deliveryNote: string;
  lines: OrderLine[];
}

export type OrderMessageKind = 'confirm_request' | 'status';

export interface OrderMessageRecord {
  id: number;
  orderId: number;
  householdId: number;
  kind: OrderMessageKind;
}

export interface StatusPatch {
  confirmedAt?: number;
  wellbeing?: DeliveryWellbeing;
  deliveryNote?: string;
}

export interface OrdersStore {
  /** The order (a draft) and its lines, in one unit of work. */
  create(o: {
    shopId: number;
    householdId: number;
    callId: number | null;
    note: string;
    createdBy: number | null;
    now: number;
    lines: OrderLine[];
  }): Promise<number>;
  get(id: number): Promise<OrderRecord | undefined>;
  list(f: {
    shopIds?: number[];
    householdId?: number;
    status?: OrderStatus;
    excludeDrafts?: boolean;
    limit: number;
  }): Promise<OrderRecord[]>;
  /**
   * New lines (and the note, when given) for an order the resident has not confirmed: it becomes a
   * draft again, in one unit of work. False (nothing changed) when it is no longer a draft or
   * awaiting confirmation.
   */
  replaceLines(id: number, lines: OrderLine[], note: string | undefined, now: number): Promise<boolean>;
  /**
   * The order moves from `from` to `to` (a conditional update: of two requests or hubs moving it
   * from the same state, one does); with `tell`, the message owed to the household's terminal is
   * stored in the same unit of work. Null when the order was not `from` (nothing stored), else the
   * message's id (null without `tell`).
   */
  transition(t: {
    id: number;
    from: OrderStatus;
    to: OrderStatus;
    now: number;
    patch?: StatusPatch;
    tell?: OrderMessageKind;
  }): Promise<{ messageId: number | null } | null>;
  pendingMessages(householdId: number): Promise<OrderMessageRecord[]>;
  /** Acknowledges the household's unacknowledged messages among `ids`; the number acknowledged now. */
  ackMessages(householdId: number, ids: number[], now: number): Promise<number>;
}

interface Row {
  id: number;
  shop_id: number;
  household_id: number;
  call_id: number | null;
  status: OrderStatus;
  note: string;
  created_by: number | null;
  created_at: number;
  confirmed_at: number | null;
  updated_at: number;
  wellbeing: DeliveryWellbeing | null;
  delivery_note: string;
}

interface LineRow {
  order_id: number;
  item_id: number | null;
  name: string;
  quantity: number;
  unit: string;
  price_yen: number | null;
  photo_url: string | null;
}

const toLine = (l: LineRow): OrderLine => ({
  itemId: l.item_id,
  name: l.name,
  quantity: l.quantity,
  unit: l.unit,
  priceYen: l.price_yen,
  photoUrl: l.photo_url,
});

const toRecord = (r: Row, lines: OrderLine[]): OrderRecord => ({
  id: r.id,
  shopId: r.shop_id,
  householdId: r.household_id,
  callId: r.call_id,
  status: r.status,
  note: r.note,
  createdBy: r.created_by,
  createdAt: r.created_at,
  confirmedAt: r.confirmed_at,
  updatedAt: r.updated_at,
  wellbeing: r.wellbeing,
  deliveryNote: r.delivery_note,
  lines,
});

const INSERT_LINE =
  'INSERT INTO order_lines (order_id, position, item_id, name, quantity, unit, price_yen, photo_url) VALUES (?, ?, ?, ?, ?, ?, ?, ?)';
const LINE_COLUMNS = 'order_id, item_id, name, quantity, unit, price_yen, photo_url';

export function createOrdersStore(sql: Sql): OrdersStore {
  const insertLines = async (tx: Sql, id: number, lines: OrderLine[]) => {
    for (const [i, l] of lines.entries())
      await tx.run(INSERT_LINE, [id, i, l.itemId, l.name, l.quantity, l.unit, l.priceYen, l.photoUrl]);
  };
  /** The orders of `rows` with their lines: one statement for the lines of them all. */
  const withLines = async (rows: Row[]): Promise<OrderRecord[]> => {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const byOrder = new Map<number, OrderLine[]>(ids.map((id) => [id, []]));
    const [inOrders, arg] = sql.anyOf('order_id', ids);
    for (const l of await sql.all<LineRow>(
      `SELECT ${LINE_COLUMNS} FROM order_lines WHERE ${inOrders} ORDER BY order_id, position`,
      [arg],
    ))
      byOrder.get(l.order_id)?.push(toLine(l));
    return rows.map((r) => toRecord(r, byOrder.get(r.id)!));
  };

  return {
    create: (o) =>
      sql.transaction(async (tx) => {
        const row = await tx.get<{ id: number }>(
          `INSERT INTO orders (shop_id, household_id, call_id, status, note, created_by, created_at, updated_at)
           VALUES (?, ?, ?, 'draft', ?, ?, ?, ?) RETURNING id`,
          [o.shopId, o.householdId, o.callId, o.note, o.createdBy, o.now, o.now],
        );
        const id = row!.id;
        await insertLines(tx, id, o.lines);
        return id;
      }),

    async get(id) {
      const row = await sql.get<Row>('SELECT * FROM orders WHERE id = ?', [id]);
      return row ? (await withLines([row]))[0] : undefined;
    },

    async list(f) {
      const c = conditions();
      if (f.shopIds) {
        if (f.shopIds.length === 0) return [];
        c.add(...sql.anyOf('shop_id', f.shopIds));
      }
      c.equals('household_id', f.householdId).equals('status', f.status);
      if (f.excludeDrafts) c.add("status <> 'draft'");
      return withLines(
        await sql.all<Row>(`SELECT * FROM orders ${c.where} ORDER BY created_at DESC, id DESC LIMIT ?`, [
          ...c.args,
          f.limit,
        ]),
      );
    },

    replaceLines: (id, lines, note, now) =>
      sql.transaction(async (tx) => {
        // The update takes the order's row first: two edits of one order on two hubs take turns.
        const changed = await tx.run(
          `UPDATE orders SET status = 'draft', note = COALESCE(?, note), updated_at = ?
           WHERE id = ? AND status IN ('draft', 'awaiting_confirmation')`,
          [note ?? null, now, id],
        );
        if (changed === 0) return false;
        await tx.run('DELETE FROM order_lines WHERE order_id = ?', [id]);
        await insertLines(tx, id, lines);
        return true;
      }),

    transition: (t) =>
      sql.transaction(async (tx) => {
        const p = t.patch ?? {};
        const changed = await tx.run(
          `UPDATE orders SET status = ?, updated_at = ?, confirmed_at = COALESCE(?, confirmed_at),
             wellbeing = COALESCE(?, wellbeing), delivery_note = COALESCE(?, delivery_note)
           WHERE id = ? AND status = ?`,
          [t.to, t.now, p.confirmedAt ?? null, p.wellbeing ?? null, p.deliveryNote ?? null, t.id, t.from],
        );
        if (changed === 0) return null;
        if (!t.tell) return { messageId: null };
        const m = await tx.get<{ id: number }>(
          `INSERT INTO order_messages (order_id, household_id, kind, created_at)
           SELECT id, household_id, ?, ? FROM orders WHERE id = ? RETURNING id`,
          [t.tell, t.now, t.id],
        );
        return { messageId: m!.id };
      }),

    pendingMessages(householdId) {
      return sql.all<OrderMessageRecord>(
        `SELECT id, order_id AS "orderId", household_id AS "householdId", kind FROM order_messages
         WHERE household_id = ? AND acked_at IS NULL ORDER BY id`,
        [householdId],
      );
    },

    async ackMessages(householdId, ids, now) {
      if (ids.length === 0) return 0;
      const [inIds, arg] = sql.anyOf('id', ids);
      return sql.run(
        `UPDATE order_messages SET acked_at = ? WHERE household_id = ? AND acked_at IS NULL AND ${inIds}`,
        [now, householdId, arg],
      );
    },
  };
}
