/**
 * A household's personal data on request (本人からの開示・利用停止・削除請求): everything the hub
 * holds about one household, and the erasure of a closed household's personal fields. Erasure keeps
 * the rows statistics need (check-ins, receipts, calls, orders and their lines, alerts) with the
 * names, addresses, phones and free-text notes removed (notes written after calls and planned calls
 * go entirely); the append-only logs keep only ids.
 */
import type { HouseholdErasure, HouseholdExport } from '@tsunagu/protocol';
import type { Sql } from '../../db/sql';

type Row = Record<string, unknown>;

export interface HouseholdPrivacy {
  /** undefined when the household does not exist. */
  exportAll(householdId: number, now: number): Promise<HouseholdExport | undefined>;
  /** Removes the personal fields of a household in one unit of work (the caller checks it exists and is closed). */
  erase(householdId: number, now: number): Promise<HouseholdErasure>;
}

const byHousehold = (table: string, order = 'id') => `SELECT * FROM ${table} WHERE household_id = ? ORDER BY ${order}`;
const EXPORTED = {
  residents: byHousehold('residents'),
  watchers: `SELECT w.user_id, w.level, u.display_name, u.watcher_kind FROM household_watchers w
     JOIN users u ON u.id = w.user_id WHERE w.household_id = ? ORDER BY w.level, w.user_id`,
  terminals:
    'SELECT id, device_name, enrolled_at, revoked_at, last_seen_at FROM terminals WHERE household_id = ? ORDER BY id',
  checkins: byHousehold('checkins', 'at, id'),
  signsOfLife: byHousehold('signs_of_life', 'at, id'),
  receipts: byHousehold('announcement_receipts', 'announcement_id, terminal_id'),
  orders: byHousehold('orders'),
  orderLines:
    'SELECT l.* FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.household_id = ? ORDER BY l.order_id, l.position',
  calls: byHousehold('calls'),
  callNotes: byHousehold('call_notes', 'written_at, id'),
  callSchedules: byHousehold('call_schedules'),
  watchAlerts: byHousehold('watch_alerts'),
  watchAlertEvents:
    'SELECT e.* FROM watch_alert_events e JOIN watch_alerts a ON a.id = e.alert_id WHERE a.household_id = ? ORDER BY e.id',
  dataReads: byHousehold('data_reads', 'at, id'),
};

const ERASE = {
  household: `UPDATE households SET name = '', kana = '', address = '', phone = NULL, notes = '',
     assistance_reason = '', close_reason = '' WHERE id = ?`,
  residents: `UPDATE residents SET name = '' WHERE household_id = ?`,
  watchers: 'DELETE FROM household_watchers WHERE household_id = ?',
  terminals: 'UPDATE terminals SET device_name = NULL WHERE household_id = ?',
  orders: `UPDATE orders SET note = '', delivery_note = '' WHERE household_id = ?`,
  alerts: `UPDATE watch_alerts SET note = '' WHERE household_id = ?`,
  // What staff wrote after calls is free text about the person; a closed household is not called.
  callNotes: 'DELETE FROM call_notes WHERE household_id = ?',
  callSchedules: 'DELETE FROM call_schedules WHERE household_id = ?',
  alertEvents:
    'UPDATE watch_alert_events SET detail = NULL WHERE alert_id IN (SELECT id FROM watch_alerts WHERE household_id = ?)',
};

export function createHouseholdPrivacy(sql: Sql): HouseholdPrivacy {
  return {
    async exportAll(id, now) {
      const h = await sql.get<Row>('SELECT * FROM households WHERE id = ?', [id]);
      if (!h) return undefined;
      const rows: Record<string, Row[]> = {};
      for (const [k, text] of Object.entries(EXPORTED)) rows[k] = await sql.all<Row>(text, [id]);
      return {
        householdId: id,
        exportedAt: new Date(now).toISOString(),
        household: h,
        ...(rows as Record<keyof typeof EXPORTED, Row[]>),
      };
    },
    erase: (id, now) =>
      sql.transaction(async (tx) => {
        const run = (text: string) => tx.run(text, [id]);
        await run(ERASE.household);
        await run(ERASE.terminals);
        await run(ERASE.alertEvents);
        await run(ERASE.callNotes);
        await run(ERASE.callSchedules);
        return {
          householdId: id,
          erasedAt: new Date(now).toISOString(),
          residents: await run(ERASE.residents),
          watchersRemoved: await run(ERASE.watchers),
          ordersAnonymised: await run(ERASE.orders),
          alertsAnonymised: await run(ERASE.alerts),
        };
      }),
  };
}

/** The same export as one CSV (区分, 番号, 項目, 値): one line per stored field, for a spreadsheet. */
export function exportCsvRows(data: HouseholdExport): (string | number | null)[][] {
  const rows: (string | number | null)[][] = [['区分', '番号', '項目', '値']];
  const cell = (v: unknown) => (v === null || v === undefined ? null : typeof v === 'number' ? v : String(v));
  const add = (section: string, n: number, row: Row) => {
    for (const [k, v] of Object.entries(row)) rows.push([section, n, k, cell(v)]);
  };
  add('household', 1, data.household);
  for (const [section, list] of Object.entries(data)) {
    if (!Array.isArray(list)) continue;
    for (const [i, row] of list.entries()) add(section, i + 1, row as Row);
  }
  return rows;
}
