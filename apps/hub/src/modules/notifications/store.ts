/** SQL for notification settings, channel opt-ins, Web Push devices, the hub's keys and every delivery. */
import type { DeliveryStatus } from '@tsunagu/protocol';
import type { Db } from '../../db/database';
import { list, one } from '../../db/rows';

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
  disasterSupport(userId: number): boolean;
  setDisasterSupport(userId: number, on: boolean, now: number): void;
  /** City hall's disaster support team. */
  disasterTeam(): number[];
  /** A person's opt-in for a channel; null: never set (the channel's default applies). */
  optIn(userId: number, channel: string): ChannelOptIn | null;
  setOptIn(userId: number, channel: string, optIn: ChannelOptIn, now: number): void;

  devices(userId: number): PushDeviceRecord[];
  device(id: number): PushDeviceRecord | undefined;
  /** Adds the subscription, or moves it to this person with fresh keys (the same browser signing in as someone else). */
  saveDevice(d: Omit<PushDeviceRecord, 'id' | 'lastSuccessAt'>): PushDeviceRecord;
  deleteDevice(id: number): boolean;
  deviceSucceeded(id: number, at: number): void;

  key(name: string): string | null;
  /** Stores `value` unless a value is there already; returns the stored one (two hubs starting at once agree). */
  ensureKey(name: string, value: string, now: number): string;

  createDeliveries(list: NewDelivery[]): number[];
  delivery(id: number): DeliveryRecord | undefined;
  deliveriesOf(alertId: number): (DeliveryRecord & { userName: string })[];
  /** Records an attempt: sent, or failed for good (`nextAttemptAt` null), or failed to be tried again. */
  attempted(
    id: number,
    outcome: { status: 'sent' | 'failed' | 'pending'; at: number; error: string | null; nextAttemptAt: number | null },
  ): void;
  /** Pending deliveries due at or before `now`. */
  due(now: number): DeliveryRecord[];
  nextDueAt(): number | null;
  /** The alert was settled: this person's deliveries are acknowledged, every other pending one cancelled. */
  settle(alertId: number, acknowledgedBy: number | null, at: number): number;
  /** Marks the link of a delivery used (false: it was already). */
  useLink(id: number, at: number): boolean;
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

export function createSqliteNotificationsStore(db: Db): NotificationsStore {
  const s = {
    support: db.prepare('SELECT disaster_support AS on_ FROM notification_settings WHERE user_id = ?'),
    setSupport: db.prepare(
      `INSERT INTO notification_settings (user_id, disaster_support, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (user_id) DO UPDATE SET disaster_support = excluded.disaster_support, updated_at = excluded.updated_at`,
    ),
    team: db.prepare(
      `SELECT s.user_id AS id FROM notification_settings s JOIN users u ON u.id = s.user_id
       WHERE s.disaster_support = 1 AND u.disabled = 0 AND u.role = 'cityhall' ORDER BY s.user_id`,
    ),
    optIn: db.prepare('SELECT enabled, address FROM notification_channels WHERE user_id = ? AND channel = ?'),
    setOptIn: db.prepare(
      `INSERT INTO notification_channels (user_id, channel, enabled, address, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (user_id, channel) DO UPDATE SET enabled = excluded.enabled, address = excluded.address, updated_at = excluded.updated_at`,
    ),
    devices: db.prepare('SELECT * FROM push_subscriptions WHERE user_id = ? ORDER BY id'),
    device: db.prepare('SELECT * FROM push_subscriptions WHERE id = ?'),
    saveDevice: db.prepare(
      `INSERT INTO push_subscriptions (user_id, endpoint, p256dh, auth, label, created_at) VALUES (@userId, @endpoint, @p256dh, @auth, @label, @createdAt)
       ON CONFLICT (endpoint) DO UPDATE SET user_id = excluded.user_id, p256dh = excluded.p256dh, auth = excluded.auth,
         label = excluded.label, created_at = excluded.created_at, last_success_at = NULL
       RETURNING *`,
    ),
    deleteDevice: db.prepare('DELETE FROM push_subscriptions WHERE id = ?'),
    deviceOk: db.prepare('UPDATE push_subscriptions SET last_success_at = ? WHERE id = ?'),
    key: db.prepare('SELECT value FROM notification_keys WHERE name = ?'),
    insertKey: db.prepare(
      'INSERT INTO notification_keys (name, value, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
    ),
    insertDelivery: db.prepare(
      `INSERT INTO notification_deliveries (alert_id, user_id, channel, address, level, status, next_attempt_at, created_at)
       VALUES (@alertId, @userId, @channel, @address, @level, 'pending', @now, @now)`,
    ),
    delivery: db.prepare('SELECT * FROM notification_deliveries WHERE id = ?'),
    deliveriesOf: db.prepare(
      `SELECT d.*, u.display_name AS user_name FROM notification_deliveries d JOIN users u ON u.id = d.user_id
       WHERE d.alert_id = ? ORDER BY d.id`,
    ),
    attempted: db.prepare(
      `UPDATE notification_deliveries SET status = @status, attempts = attempts + 1, last_error = @error,
         next_attempt_at = @nextAttemptAt, sent_at = CASE WHEN @status = 'sent' THEN @at ELSE sent_at END
       WHERE id = @id AND status = 'pending'`,
    ),
    due: db.prepare(
      "SELECT * FROM notification_deliveries WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id",
    ),
    next: db.prepare("SELECT MIN(next_attempt_at) AS t FROM notification_deliveries WHERE status = 'pending'"),
    acknowledge: db.prepare(
      `UPDATE notification_deliveries SET status = 'acknowledged', acknowledged_at = ?, next_attempt_at = NULL
       WHERE alert_id = ? AND user_id = ? AND status IN ('pending', 'sent')`,
    ),
    cancel: db.prepare(
      "UPDATE notification_deliveries SET status = 'cancelled', next_attempt_at = NULL WHERE alert_id = ? AND status = 'pending'",
    ),
    useLink: db.prepare('UPDATE notification_deliveries SET link_used_at = ? WHERE id = ? AND link_used_at IS NULL'),
  };

  const createDeliveries = db.transaction((list: NewDelivery[]) =>
    list.map((d) => Number(s.insertDelivery.run(d).lastInsertRowid)),
  );
  const settle = db.transaction((alertId: number, by: number | null, at: number) => {
    let n = by !== null ? s.acknowledge.run(at, alertId, by).changes : 0;
    n += s.cancel.run(alertId).changes;
    return n;
  });

  return {
    disasterSupport: (userId) => (s.support.get(userId) as { on_: number } | undefined)?.on_ === 1,
    setDisasterSupport: (userId, on, now) => void s.setSupport.run(userId, on ? 1 : 0, now),
    disasterTeam: () => (s.team.all() as { id: number }[]).map((r) => r.id),
    optIn(userId, channel) {
      const r = s.optIn.get(userId, channel) as { enabled: number; address: string | null } | undefined;
      return r ? { enabled: r.enabled === 1, address: r.address } : null;
    },
    setOptIn: (userId, channel, o, now) => void s.setOptIn.run(userId, channel, o.enabled ? 1 : 0, o.address, now),

    devices: (userId) => list(s.devices, toDevice, userId),
    device: (id) => one(s.device, toDevice, id),
    saveDevice: (d) => toDevice(s.saveDevice.get(d) as DeviceRow),
    deleteDevice: (id) => s.deleteDevice.run(id).changes > 0,
    deviceSucceeded: (id, at) => void s.deviceOk.run(at, id),

    key: (name) => (s.key.get(name) as { value: string } | undefined)?.value ?? null,
    ensureKey(name, value, now) {
      s.insertKey.run(name, value, now);
      return (s.key.get(name) as { value: string }).value;
    },

    createDeliveries: (list) => createDeliveries(list),
    delivery: (id) => one(s.delivery, toDelivery, id),
    deliveriesOf: (alertId) =>
      (s.deliveriesOf.all(alertId) as DeliveryRow[]).map((r) => ({ ...toDelivery(r), userName: r.user_name ?? '' })),
    attempted: (id, o) => void s.attempted.run({ id, ...o }),
    due: (now) => list(s.due, toDelivery, now),
    nextDueAt: () => (s.next.get() as { t: number | null }).t,
    settle: (alertId, by, at) => settle(alertId, by, at),
    useLink: (id, at) => s.useLink.run(at, id).changes === 1,
  };
}
