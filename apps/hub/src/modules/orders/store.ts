/** SQL for orders, their lines, and the order messages owed to terminals (an outbox). */
import type { DeliveryWellbeing, OrderLine, OrderStatus } from '@tsunagu/protocol';
import type { Db } from '../../db/database';
import { list, one } from '../../db/rows';
import { conditions } from '../../db/sql';

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

export interface OrderMessageRecord {
  id: number;
  orderId: number;
  householdId: number;
  kind: 'confirm_request' | 'status';
}

export interface OrdersStore {
  create(o: {
    shopId: number;
    householdId: number;
    callId: number | null;
    note: string;
    createdBy: number | null;
    now: number;
    lines: OrderLine[];
  }): number;
  get(id: number): OrderRecord | undefined;
  list(f: {
    shopIds?: number[];
    householdId?: number;
    status?: OrderStatus;
    excludeDrafts?: boolean;
    limit: number;
  }): OrderRecord[];
  replaceLines(id: number, lines: OrderLine[], note: string | undefined, now: number): void;
  setStatus(
    id: number,
    status: OrderStatus,
    now: number,
    patch?: { confirmedAt?: number; wellbeing?: DeliveryWellbeing; deliveryNote?: string },
  ): void;
  addMessage(m: { orderId: number; householdId: number; kind: 'confirm_request' | 'status'; now: number }): number;
  pendingMessages(householdId: number): OrderMessageRecord[];
  ackMessages(householdId: number, ids: number[], now: number): number;
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

export function createSqliteOrdersStore(db: Db): OrdersStore {
  const s = {
    insert: db.prepare(
      'INSERT INTO orders (shop_id, household_id, call_id, status, note, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    insertLine: db.prepare(
      'INSERT INTO order_lines (order_id, position, item_id, name, quantity, unit, price_yen, photo_url) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    deleteLines: db.prepare('DELETE FROM order_lines WHERE order_id = ?'),
    lines: db.prepare(
      'SELECT item_id, name, quantity, unit, price_yen, photo_url FROM order_lines WHERE order_id = ? ORDER BY position',
    ),
    get: db.prepare('SELECT * FROM orders WHERE id = ?'),
    note: db.prepare('UPDATE orders SET note = COALESCE(?, note), updated_at = ? WHERE id = ?'),
    status: db.prepare(
      'UPDATE orders SET status = @status, updated_at = @now, confirmed_at = COALESCE(@confirmedAt, confirmed_at), wellbeing = COALESCE(@wellbeing, wellbeing), delivery_note = COALESCE(@deliveryNote, delivery_note) WHERE id = @id',
    ),
    addMessage: db.prepare('INSERT INTO order_messages (order_id, household_id, kind, created_at) VALUES (?, ?, ?, ?)'),
    pending: db.prepare(
      'SELECT id, order_id AS orderId, household_id AS householdId, kind FROM order_messages WHERE household_id = ? AND acked_at IS NULL ORDER BY id',
    ),
    ack: db.prepare('UPDATE order_messages SET acked_at = ? WHERE id = ? AND household_id = ? AND acked_at IS NULL'),
  };
  const withLines = (r: Row): OrderRecord => ({
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
    lines: (
      s.lines.all(r.id) as {
        item_id: number | null;
        name: string;
        quantity: number;
        unit: string;
        price_yen: number | null;
        photo_url: string | null;
      }[]
    ).map((l) => ({
      itemId: l.item_id,
      name: l.name,
      quantity: l.quantity,
      unit: l.unit,
      priceYen: l.price_yen,
      photoUrl: l.photo_url,
    })),
  });
  const insertLines = (id: number, lines: OrderLine[]) => {
    for (const [i, l] of lines.entries())
      s.insertLine.run(id, i, l.itemId, l.name, l.quantity, l.unit, l.priceYen, l.photoUrl);
  };

  return {
    create: db.transaction((o: Parameters<OrdersStore['create']>[0]) => {
      const id = Number(
        s.insert.run(o.shopId, o.householdId, o.callId, 'draft', o.note, o.createdBy, o.now, o.now).lastInsertRowid,
      );
      insertLines(id, o.lines);
      return id;
    }),
    get: (id) => one(s.get, withLines, id),
    list(f) {
      const c = conditions();
      if (f.shopIds) {
        if (f.shopIds.length === 0) return [];
        c.add(`shop_id IN (${f.shopIds.map(() => '?').join(',')})`, ...f.shopIds);
      }
      c.equals('household_id', f.householdId);
      if (f.status) c.add('status = ?', f.status);
      if (f.excludeDrafts) c.add("status NOT IN ('draft')");
      const sql = `SELECT * FROM orders ${c.where} ORDER BY created_at DESC, id DESC LIMIT ?`;
      return list(db.prepare(sql), withLines, ...c.args, f.limit);
    },
    replaceLines: db.transaction((id: number, lines: OrderLine[], note: string | undefined, now: number) => {
      s.deleteLines.run(id);
      insertLines(id, lines);
      s.note.run(note ?? null, now, id);
    }),
    setStatus(id, status, now, p = {}) {
      s.status.run({
        id,
        status,
        now,
        confirmedAt: p.confirmedAt ?? null,
        wellbeing: p.wellbeing ?? null,
        deliveryNote: p.deliveryNote ?? null,
      });
    },
    addMessage: (m) => Number(s.addMessage.run(m.orderId, m.householdId, m.kind, m.now).lastInsertRowid),
    pendingMessages: (householdId) => s.pending.all(householdId) as OrderMessageRecord[],
    ackMessages: db.transaction((householdId: number, ids: number[], now: number) =>
      ids.reduce((n, id) => n + s.ack.run(now, id, householdId).changes, 0),
    ),
  };
}
