/** What every capability module is built from: storage, time, configuration, sockets, audit, metrics. */
import type { FastifyBaseLogger } from 'fastify';
import type { HubConfig } from './config';
import type { Db } from './db/database';
import type { Clock } from './lib/clock';
import type { DomainEventBus } from './lib/events';
import type { DataReads } from './modules/audit/data-reads';
import type { AuditStore } from './modules/audit/store';
import type { Health } from './plugins/health';
import type { HubMetrics } from './plugins/metrics';
import type { HubSockets } from './plugins/socket';
import type { StorageGuard } from './plugins/storage';

export interface HubContext {
  config: HubConfig;
  db: Db;
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
}
