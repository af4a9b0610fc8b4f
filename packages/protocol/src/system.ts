/**
 * The hub's own health: what `/readyz` answers (for load balancers and monitoring), what city hall's
 * system status page shows and what the console's storage banner follows.
 */
import { type Static, Type } from '@sinclair/typebox';
import { literals, Timestamp } from './common';

export const CheckStatus = literals('ok', 'warn', 'fail');
export type CheckStatus = Static<typeof CheckStatus>;

/** One readiness check (database, migrations, disk, and what modules register: jma, mail, push…). */
export const HealthCheckReport = Type.Object({
  /** Stable name: the key in /readyz, the `check` label in /metrics, the console's catalogue key. */
  name: Type.String(),
  status: CheckStatus,
  /** Whether a failing check makes the hub not ready (503 at /readyz). */
  critical: Type.Boolean(),
  /** For operators, in English (also in the log when the status changes). */
  message: Type.String(),
  /** Stable reason code when not ok (e.g. disk_full, low, stale): the console words it. */
  reason: Type.Optional(Type.String()),
  /** Figures behind the status (free bytes, thresholds, seconds of lag…). */
  values: Type.Optional(Type.Record(Type.String(), Type.Number())),
  /** When the check entered its current status. */
  since: Timestamp,
});
export type HealthCheckReport = Static<typeof HealthCheckReport>;

export const SystemStatus = Type.Object({
  /** False when a critical check fails: /readyz answers 503. */
  ready: Type.Boolean(),
  /** ok: all checks ok; degraded: ready, but something warns or a non-critical check fails; unavailable: not ready. */
  status: literals('ok', 'degraded', 'unavailable'),
  checkedAt: Timestamp,
  checks: Type.Array(HealthCheckReport),
});
export type SystemStatus = Static<typeof SystemStatus>;
