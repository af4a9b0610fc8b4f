/**
 * Whether the hub can store anything, and how much room is left. Failed writes are reported here
 * (the error handlers do it for every request and socket command), a small probe write finds out
 * when storage is back, free space on the data folder's disk is sampled, and three readiness checks
 * come from it: `database` (writable), `migrations` (schema current) and `disk` (free space).
 *
 * Disk-space guard, in order: under the warning threshold the hub only warns (status page, metric,
 * log); under the reserve it stops non-essential writes (terminal presence, voice clips) so what is
 * left goes to check-ins, receipts and announcements; when the disk is full those fail too and are
 * answered STORAGE_UNAVAILABLE (retryable).
 */
import fs from 'node:fs';
import path from 'node:path';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Db } from '../db/database';
import { currentVersion, loadMigrations, pendingMigrations } from '../db/migrate';
import type { Sql } from '../db/sql';
import type { Clock } from '../lib/clock';
import { formatCount, type RepeatedLog } from '../lib/repeated-log';
import {
  describeStorageProblem,
  type StorageProblem,
  StorageUnavailableError,
  storageProblemOf,
} from '../lib/storage-errors';
import type { CheckResult, Health } from './health';

export type DiskLevel = 'ok' | 'low' | 'reserve' | 'full';

export interface DiskSpace {
  freeBytes: number;
  sizeBytes: number;
}

export interface StorageGuard {
  /**
   * A write failed: true when it was a storage problem (counted, logged summarised, and the hub
   * marked not ready until a probe write succeeds), false for any other failure.
   */
  reportFailure(err: unknown, operation: string): boolean;
  /**
   * Whether a non-essential write (`what`: terminal presence, voice clip…) may go ahead. False under
   * the disk reserve or while storage is unavailable; the skip is counted and logged (summarised).
   */
  allowsNonEssential(what: string): boolean;
  /** Null while storage works. */
  unavailable(): { problem: StorageProblem; since: number } | null;
  level(): DiskLevel;
  disk(): DiskSpace | null;
}

/** Below this much free space the disk counts as full whatever the thresholds say. */
export const FULL_BELOW_BYTES = 1024 * 1024;
/** Free space and the probe are sampled at most this often. */
const DISK_SAMPLE_MS = 1_000;
const PROBE_MAX_AGE_MS = 2_000;
/**
 * After a failed write, storage counts as back only once a probe succeeds this long after the last
 * failure: on a nearly full disk a small write can squeeze in between failing ones, and the banner
 * and the load balancer should not flap with it.
 */
export const RECOVERY_HOLD_MS = 10_000;
const PROBE_FILLER_BYTES = 16 * 1024;

const MiB = 1024 * 1024;
const mib = (bytes: number) => `${formatCount(Math.floor(bytes / MiB))} MiB`;

/** statfs needs an existing path: the data folder, or (in-memory test hubs) its nearest existing parent. */
function existingAncestor(dir: string): string {
  let d = path.resolve(dir);
  while (!fs.existsSync(d) && path.dirname(d) !== d) d = path.dirname(d);
  return d;
}

type ProbeSample = { at: number; ok: boolean; problem: StorageProblem | null; detail: string };

export function createStorageGuard(deps: {
  db: Db;
  /** The hub's database on either engine: the probe writes there. */
  sql: Sql;
  dataDir: string;
  thresholds: { warnBytes: number; reserveBytes: number };
  clock: Clock;
  health: Health;
  repeated: RepeatedLog;
  registry: Registry;
}): StorageGuard {
  const { db, thresholds, clock, health, repeated } = deps;
  let state: { problem: StorageProblem; since: number } | null = null;
  let lastFailureAt = 0;
  let diskSample: { at: number; value: DiskSpace | null; error?: string } | null = null;
  let probeSample: ProbeSample | null = null;
  const migrations = loadMigrations();
  const latestMigration = migrations.at(-1)?.version ?? 0;

  const errors = new Counter({
    name: 'tsunagu_storage_errors_total',
    help: 'Writes that failed because storage was unavailable (answered STORAGE_UNAVAILABLE), by problem',
    labelNames: ['problem'],
    registers: [deps.registry],
  });
  const skipped = new Counter({
    name: 'tsunagu_storage_nonessential_skipped_total',
    help: 'Non-essential writes skipped under the disk reserve or while storage was unavailable, by kind',
    labelNames: ['what'],
    registers: [deps.registry],
  });

  function sampleDisk(): DiskSpace | null {
    const now = clock.now();
    if (diskSample && now - diskSample.at < DISK_SAMPLE_MS) return diskSample.value;
    try {
      const s = fs.statfsSync(existingAncestor(deps.dataDir));
      diskSample = { at: now, value: { freeBytes: s.bavail * s.bsize, sizeBytes: s.blocks * s.bsize } };
    } catch (err) {
      diskSample = { at: now, value: null, error: err instanceof Error ? err.message : String(err) };
    }
    return diskSample.value;
  }

  function markUnavailable(problem: StorageProblem) {
    lastFailureAt = clock.now();
    // A failed probe kept from an earlier problem (read-only, then the disk filled up) would tell
    // the database check the old problem until it ages out: the new failure says more.
    if (probeSample && !probeSample.ok && probeSample.problem !== problem) probeSample = null;
    if (state?.problem === problem) return;
    state = { problem, since: state?.since ?? clock.now() };
    health.refresh();
  }
  function markAvailable() {
    if (!state || clock.now() - lastFailureAt < RECOVERY_HOLD_MS) return;
    state = null;
    health.refresh();
  }

  const PROBE = `INSERT INTO health_probe (id, checked_at, filler) VALUES (1, ?, ?)
     ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at, filler = excluded.filler`;
  const filler = Buffer.alloc(PROBE_FILLER_BYTES);
  let probing: Promise<ProbeSample> | null = null;
  /** Writes the probe row (at most every 2 s, one write at a time): the same kind of commit a check-in makes. */
  function probe(): Promise<ProbeSample> {
    const now = clock.now();
    if (probeSample && now - probeSample.at < PROBE_MAX_AGE_MS) return Promise.resolve(probeSample);
    probing ??= (async () => {
      try {
        await deps.sql.run(PROBE, [now, filler]);
        probeSample = { at: now, ok: true, problem: null, detail: '' };
        markAvailable();
      } catch (err) {
        const problem = storageProblemOf(err);
        const code = (err as { code?: unknown }).code;
        const detail = `${err instanceof Error ? err.message : String(err)}${typeof code === 'string' ? ` (${code})` : ''}`;
        probeSample = { at: now, ok: false, problem, detail };
        if (problem) markUnavailable(problem);
      } finally {
        probing = null;
      }
      return probeSample!;
    })();
    return probing;
  }

  function level(): DiskLevel {
    const d = sampleDisk();
    if (state?.problem === 'disk_full' || (d && d.freeBytes < FULL_BELOW_BYTES)) return 'full';
    if (!d) return 'ok';
    if (d.freeBytes < thresholds.reserveBytes) return 'reserve';
    if (d.freeBytes < thresholds.warnBytes) return 'low';
    return 'ok';
  }

  const guard: StorageGuard = {
    reportFailure(err, operation) {
      const problem = storageProblemOf(err);
      if (!problem) return false;
      // A refusal the hub chose (a non-essential write under the reserve) is not a failed write.
      if (!(err instanceof StorageUnavailableError)) {
        errors.inc({ problem });
        markUnavailable(problem);
      }
      const why = describeStorageProblem(problem);
      const code = (err as { code?: unknown }).code;
      repeated.report(`storage ${operation} ${problem}`, {
        level: 'error',
        obj: { err, operation, problem, code },
        msg: `${operation} refused (STORAGE_UNAVAILABLE): ${why}`,
        summary: (n, s) => `${formatCount(n)} ${operation} refused in ${s} s: ${why}`,
      });
      return true;
    },

    allowsNonEssential(what) {
      const l = level();
      if (!state && l !== 'reserve' && l !== 'full') return true;
      skipped.inc({ what });
      const why = state ? describeStorageProblem(state.problem) : 'free disk space is below the reserve';
      repeated.report(`skipped ${what}`, {
        level: 'warn',
        obj: { what, level: l },
        msg: `Skipped a non-essential write (${what}): ${why}`,
        summary: (n, s) => `${formatCount(n)} non-essential writes (${what}) skipped in ${s} s: ${why}`,
      });
      return false;
    },

    unavailable: () => state,
    level,
    disk: sampleDisk,
  };

  // ----- readiness checks

  health.register({
    name: 'database',
    critical: true,
    async run(): Promise<CheckResult> {
      const p = await probe();
      if (!p.ok) {
        return {
          status: 'fail',
          reason: p.problem ?? 'error',
          message: `The database cannot be written: ${p.problem ? `${describeStorageProblem(p.problem)}: ` : ''}${p.detail}`,
        };
      }
      if (state) {
        return {
          status: 'fail',
          reason: state.problem,
          message: `Writes failed (${describeStorageProblem(state.problem)}); a test write works again, waiting ${RECOVERY_HOLD_MS / 1000} s without failures to be sure.`,
        };
      }
      return { status: 'ok', message: 'The database is writable.' };
    },
  });

  health.register({
    name: 'migrations',
    critical: true,
    run(): CheckResult {
      const version = currentVersion(db);
      const values = { version, expected: latestMigration };
      const missing = pendingMigrations(db, migrations);
      if (version === latestMigration && missing.length > 0)
        return {
          status: 'fail',
          reason: 'behind',
          message: `The database has not had migration ${missing.map((m) => m.version).join(', ')}: restart the hub to migrate.`,
          values,
        };
      if (version === latestMigration) return { status: 'ok', message: `Schema version ${version} (current).`, values };
      return {
        status: 'fail',
        reason: version < latestMigration ? 'behind' : 'ahead',
        message:
          version < latestMigration
            ? `The database is at schema version ${version}, this hub needs ${latestMigration}: restart the hub to migrate.`
            : `The database is at schema version ${version}, newer than this hub (${latestMigration}): another hub upgraded it.`,
        values,
      };
    },
  });

  health.register({
    name: 'disk',
    critical: true,
    async run(): Promise<CheckResult> {
      await probe(); // so a disk that is writable again is seen as such in this very evaluation
      const d = sampleDisk();
      if (!d) {
        return {
          status: 'warn',
          reason: 'unknown',
          message: `Cannot read the free space of ${deps.dataDir}: ${diskSample?.error ?? 'unknown error'}`,
        };
      }
      const values = { ...d, warnBytes: thresholds.warnBytes, reserveBytes: thresholds.reserveBytes };
      const free = `${mib(d.freeBytes)} free of ${mib(d.sizeBytes)}`;
      switch (level()) {
        case 'full':
          return {
            status: 'fail',
            reason: 'full',
            message: `The disk holding the data folder is full (${free}): nothing can be stored.`,
            values,
          };
        case 'reserve':
          return {
            status: 'warn',
            reason: 'reserve',
            message: `Disk space is below the reserve of ${mib(thresholds.reserveBytes)} (${free}): non-essential writes are paused.`,
            values,
          };
        case 'low':
          return {
            status: 'warn',
            reason: 'low',
            message: `Disk space is low (${free}; warning below ${mib(thresholds.warnBytes)}).`,
            values,
          };
        default:
          return { status: 'ok', message: `${free}.`, values };
      }
    },
  });

  // ----- metrics (free space and thresholds side by side, so alert rules need no constants)
  const diskGauge = (name: string, help: string, value: () => number | null) =>
    new Gauge({
      name,
      help,
      registers: [deps.registry],
      collect() {
        const v = value();
        if (v !== null) this.set(v);
      },
    });
  diskGauge(
    'tsunagu_disk_free_bytes',
    'Free space on the disk of the data folder',
    () => sampleDisk()?.freeBytes ?? null,
  );
  diskGauge('tsunagu_disk_size_bytes', 'Size of the disk of the data folder', () => sampleDisk()?.sizeBytes ?? null);
  diskGauge(
    'tsunagu_disk_warn_bytes',
    'Free space under which the hub warns (TSUNAGU_DISK_WARN_MB)',
    () => thresholds.warnBytes,
  );
  diskGauge(
    'tsunagu_disk_reserve_bytes',
    'Free space under which non-essential writes stop (TSUNAGU_DISK_RESERVE_MB)',
    () => thresholds.reserveBytes,
  );

  return guard;
}
