/** What every capability module is built from: storage, time, configuration, sockets, audit, metrics. */
import type { FastifyBaseLogger } from 'fastify';
import type { HubConfig } from './config';
import type { Changes } from './db/changes';
import type { Db } from './db/database';
import type { Sql } from './db/sql';
import type { Clock } from './lib/clock';
import type { DomainEventBus } from './lib/events';
import type { DataReads } from './modules/audit/data-reads';
import type { AuditStore } from './modules/audit/store';
import type { Cluster } from './plugins/cluster';
import type { Health } from './plugins/health';
import type { Jobs } from './plugins/jobs';
import type { HubMetrics } from './plugins/metrics';
import type { HubSockets } from './plugins/socket';
import type { StorageGuard } from './plugins/storage';

export interface HubContext {
  config: HubConfig;
  /** The SQLite connection: stores not converted yet (issue 18) still use it. */
  db: Db;
  /** The hub's database, on either engine (db/sql.ts): converted stores are built on it. */
  sql: Sql;
  /** Changes other hubs made, for in-memory caches (db/changes.ts; no-ops on SQLite). */
  changes: Changes;
  clock: Clock;
  sockets: HubSockets;
  audit: AuditStore;
  /** Who read which household's personal data. */
  reads: DataReads;
  metrics: HubMetrics;
  log: FastifyBaseLogger;
  events: DomainEventBus;
  /** Readiness checks: modules register theirs (`ctx.health.register`, see docs/operations.md). */
  health: Health;
  /** Whether the hub can store, and the disk-space guard for non-essential writes. */
  storage: StorageGuard;
  /**
   * False in short-lived processes that open the same database (the admin command line): modules
   * must then not start schedulers or timers, or a second process would send alerts twice.
   */
  backgroundJobs: boolean;
  /**
   * Scheduled work with one runner among several hubs (plugins/jobs.ts): a module adds its timers
   * as a job; they start at once on SQLite, and on the leading hub on PostgreSQL.
   */
  jobs: Jobs;
  /** Several hubs through Redis (plugins/cluster.ts); null for one hub. */
  cluster: Cluster | null;
}
