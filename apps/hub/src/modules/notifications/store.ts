/** SQL for notification settings, channel opt-ins, Web Push devices, the hub's keys and every delivery, on both engines (db/sql.ts). */
import type { DeliveryStatus } from '@tsunagu/protocol';
import type { Sql } from '../../db/sql';

export interface ChannelOptIn {
  enabled: boolean;
  address: string | null;
}

export interface PushDeviceRecord {
  id: number;
  userId: number;
  endpoint: string;
  p256dh: string;
  auth: string;
  label: string;
  createdAt: number;
  lastSuccessAt: number | null;
}

export interface DeliveryRecord {
  id: number;
  alertId: number;
  userId: number;
  channel: string;
  address: string;
  level: number;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: number | null;
  lastError: string | null;
  createdAt: number;
  sentAt: number | null;
  acknowledgedAt: number | null;
  linkUsedAt: number | null;
}

export interface NewDelivery {
  alertId: number;
  userId: number;
  channel: string;
  address: string;
  level: number;
  now: number;
}

export interface NotificationsStore {
  disasterSupport(userId: number): Promise<boolean>;
  setDisasterSupport(userId: number, on: boolean, now: number): Promise<void>;
  /** City hall's disaster support team. */
  disasterTeam(): Promise<number[]>;
  /** A person's opt-in for a channel; null: never set (the channel's default applies). */
  optIn(userId: number, channel: string): Promise<ChannelOptIn | null>;
  setOptIn(userId: number, channel: string, optIn: ChannelOptIn, now: number): Promise<void>;

  devices(userId: number): Promise<PushDeviceRecord[]>;
  device(id: number): Promise<PushDeviceRecord | undefined>;
  /** Adds the subscription, or moves it to this person with fresh keys (the same browser signing in as someone else). */
  saveDevice(d: Omit<PushDeviceRecord, 'id' | 'lastSuccessAt'>): Promise<PushDeviceRecord>;
  deleteDevice(id: number): Promise<boolean>;
  deviceSucceeded(id: number, at: number): Promise<void>;

  key(name: string): Promise<string | null>;
  /** Stores `value` unless a value is there already; returns the stored one (two hubs starting at once agree). */
  ensureKey(name: string, value: string, now: number): Promise<string>;

  /**
   * The deliveries, pending and due now, in one unit of work (all or none); the ids of those stored,
   * in order (one stored before for the same alert, level, person, channel and address is left out).
   */
  createDeliveries(list: NewDelivery[]): Promise<number[]>;
  delivery(id: number): Promise<DeliveryRecord | undefined>;
  deliveriesOf(alertId: number): Promise<(DeliveryRecord & { userName: string })[]>;
  /**
   * Takes a pending delivery that is due for one attempt: its next attempt moves to `until`, so no
   * other hub (or this one) takes it meanwhile; should the sender die, it is due again then. Null
   * when it is not pending, not due, or taken already.
   */
  claim(id: number, now: number, until: number): Promise<DeliveryRecord | null>;
  /**
   * Records an attempt of a pending delivery: sent, or failed for good (`nextAttemptAt` null), or
   * failed to be tried again. False when it was not pending any more (settled meanwhile).
   */
  attempted(
    id: number,
    outcome: { status: 'sent' | 'failed' | 'pending'; at: number; error: string | null; nextAttemptAt: number | null },
  ): Promise<boolean>;
  /** Pending deliveries due at or before `now`. */
  due(now: number): Promise<DeliveryRecord[]>;
  nextDueAt(): Promise<number | null>;
  /** The alert was settled: this person's deliveries are acknowledged, every other pending one cancelled (one unit of work). */
  settle(alertId: number, acknowledgedBy: number | null, at: number): Promise<number>;
  /** Marks the link of a delivery used (false: it was already). */
  useLink(id: number, at: number): Promise<boolean>;
}

interface DeliveryRow {
  id: number;
  alert_id: number;
  user_id: number;
  channel: string;
  address: string;
  level: number;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: number | null;
  last_error: string | null;
  created_at: number;
  sent_at: number | null;
  acknowledged_at: number | null;
  link_used_at: number | null;
  user_name?: string;
}

const toDelivery = (r: DeliveryRow): DeliveryRecord => ({
  id: r.id,
  alertId: r.alert_id,
  userId: r.user_id,
  channel: r.channel,
  address: r.address,
  level: r.level,
  status: r.status,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  lastError: r.last_error,
  createdAt: r.created_at,
  sentAt: r.sent_at,
  acknowledgedAt: r.acknowledged_at,
  linkUsedAt: r.link_used_at,
});

interface DeviceRow {
  id: number;
  user_id: number;
  endpoint: string;
  p256dh: string;
  auth: string;
  label: string;
  created_at: number;
  last_success_at: number | null;
}
const toDevice = (r: DeviceRow): PushDeviceRecord => ({
  id: r.id,
  userId: r.user_id,
  endpoint: r.endpoint,
  p256dh: r.p256dh,
  auth: r.auth,
  label: r.label,
  createdAt: r.created_at,
  lastSuccessAt: r.last_success_at,
});

const DELIVERY_COLUMNS =
  'id, alert_id, user_id, channel, address, level, status, attempts, next_attempt_at, last_error, created_at, sent_at, acknowledged_at, link_used_at';
const DEVICE_COLUMNS = 'id, user_id, endpoint, p256dh, auth, label, created_at, last_success_at';

export function createNotificationsStore(sql: Sql): NotificationsStore {
  const deliveries = async (text: string, params: unknown[]) =>
    (await sql.all<DeliveryRow>(text, params)).map(toDelivery);
  const key = async (name: string) =>
    (await sql.get<{ value: string }>('SELECT value FROM notification_keys WHERE name = ?', [name]))?.value ?? null;

  return {
    async disasterSupport(userId) {
      const r = await sql.get<{ on_: number }>(
        'SELECT disaster_support AS on_ FROM notification_settings WHERE user_id = ?',
        [userId],
      );
      return r?.on_ === 1;
    },
    async setDisasterSupport(userId, on, now) {
      await sql.run(
        `INSERT INTO notification_settings (user_id, disaster_support, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (user_id) DO UPDATE SET disaster_support = excluded.disaster_support, updated_at = excluded.updated_at`,
        [userId, on ? 1 : 0, now],
      );
    },
    async disasterTeam() {
      const rows = await sql.all<{ id: number }>(
        `SELECT s.user_id AS id FROM notification_settings s JOIN users u ON u.id = s.user_id
         WHERE s.disaster_support = 1 AND u.disabled = 0 AND u.role = 'cityhall' ORDER BY s.user_id`,
      );
      return rows.map((r) => r.id);
    },
    async optIn(userId, channel) {
      const r = await sql.get<{ enabled: number; address: string | null }>(
        'SELECT enabled, address FROM notification_channels WHERE user_id = ? AND channel = ?',
        [userId, channel],
      );
      return r ? { enabled: r.enabled === 1, address: r.address } : null;
    },
    async setOptIn(userId, channel, o, now) {
      await sql.run(
        `INSERT INTO notification_channels (user_id, channel, enabled, address, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (user_id, channel) DO UPDATE SET enabled = excluded.enabled, address = excluded.address, updated_at = excluded.updated_at`,
        [userId, channel, o.enabled ? 1 : 0, o.address, now],
      );
    },

    devices: async (userId) =>
      (
        await sql.all<DeviceRow>(`SELECT ${DEVICE_COLUMNS} FROM push_subscriptions WHERE user_id = ? ORDER BY id`, [
          userId,
        ])
      ).map(toDevice),
    async device(id) {
      const r = await sql.get<DeviceRow>(`SELECT ${DEVICE_COLUMNS} FROM push_subscriptions WHERE id = ?`, [id]);
      return r && toDevice(r);
    },
    async saveDevice(d) {
      const r = await sql.get<DeviceRow>(
        `INSERT INTO push_subscriptions (user_id, endpoint, p256dh, auth, label, created_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (endpoint) DO UPDATE SET user_id = excluded.user_id, p256dh = excluded.p256dh, auth = excluded.auth,
           label = excluded.label, created_at = excluded.created_at, last_success_at = NULL
         RETURNING ${DEVICE_COLUMNS}`,
        [d.userId, d.endpoint, d.p256dh, d.auth, d.label, d.createdAt],
      );
      return toDevice(r!);
    },
    deleteDevice: async (id) => (await sql.run('DELETE FROM push_subscriptions WHERE id = ?', [id])) > 0,
    async deviceSucceeded(id, at) {
      await sql.run('UPDATE push_subscriptions SET last_success_at = ? WHERE id = ?', [at, id]);
    },

    key,
    async ensureKey(name, value, now) {
      await sql.run('INSERT INTO notification_keys (name, value, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', [
        name,
        value,
        now,
      ]);
      return (await key(name))!;
    },

    createDeliveries: (list) =>
      sql.transaction(async (tx) => {
        const ids: number[] = [];
        for (const d of list) {
          // Stored once per alert, level, person, channel and address (0063): one stored already
          // (the same level heard on another hub, or again) is not returned, so not sent again.
          const r = await tx.get<{ id: number }>(
            `INSERT INTO notification_deliveries (alert_id, user_id, channel, address, level, status, next_attempt_at, created_at)
             VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)
             ON CONFLICT (alert_id, level, user_id, channel, address) DO NOTHING RETURNING id`,
            [d.alertId, d.userId, d.channel, d.address, d.level, d.now, d.now],
          );
          if (r) ids.push(r.id);
        }
        return ids;
      }),
    async delivery(id) {
      return (await deliveries(`SELECT ${DELIVERY_COLUMNS} FROM notification_deliveries WHERE id = ?`, [id]))[0];
    },
    async deliveriesOf(alertId) {
      const rows = await sql.all<DeliveryRow>(
        `SELECT d.*, u.display_name AS user_name FROM notification_deliveries d JOIN users u ON u.id = d.user_id
         WHERE d.alert_id = ? ORDER BY d.id`,
        [alertId],
      );
      return rows.map((r) => ({ ...toDelivery(r), userName: r.user_name ?? '' }));
    },
    async claim(id, now, until) {
      const [r] = await deliveries(
        `UPDATE notification_deliveries SET next_attempt_at = ?
         WHERE id = ? AND status = 'pending' AND next_attempt_at <= ? RETURNING ${DELIVERY_COLUMNS}`,
        [until, id, now],
      );
      return r ?? null;
    },
    attempted: async (id, o) =>
      (await sql.run(
        `UPDATE notification_deliveries SET status = ?, attempts = attempts + 1, last_error = ?,
           next_attempt_at = ?, sent_at = CASE WHEN ? = 'sent' THEN ? ELSE sent_at END
         WHERE id = ? AND status = 'pending'`,
        [o.status, o.error, o.nextAttemptAt, o.status, o.at, id],
      )) === 1,
    due: (now) =>
      deliveries(
        `SELECT ${DELIVERY_COLUMNS} FROM notification_deliveries WHERE status = 'pending' AND next_attempt_at <= ?
         ORDER BY next_attempt_at, id`,
        [now],
      ),
    async nextDueAt() {
      const r = await sql.get<{ t: number | null }>(
        "SELECT MIN(next_attempt_at) AS t FROM notification_deliveries WHERE status = 'pending'",
      );
      return r?.t ?? null;
    },
    settle: (alertId, by, at) =>
      sql.transaction(async (tx) => {
        let n = 0;
        if (by !== null)
          n += await tx.run(
            `UPDATE notification_deliveries SET status = 'acknowledged', acknowledged_at = ?, next_attempt_at = NULL
             WHERE alert_id = ? AND user_id = ? AND status IN ('pending', 'sent')`,
            [at, alertId, by],
          );
        n += await tx.run(
          "UPDATE notification_deliveries SET status = 'cancelled', next_attempt_at = NULL WHERE alert_id = ? AND status = 'pending'",
          [alertId],
        );
        return n;
      }),
    useLink: async (id, at) =>
      (await sql.run('UPDATE notification_deliveries SET link_used_at = ? WHERE id = ? AND link_used_at IS NULL', [
        at,
        id,
      ])) === 1,
  };
}
