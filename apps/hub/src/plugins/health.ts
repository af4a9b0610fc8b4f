/**
 * Liveness and readiness. `/healthz` says the process answers; `/readyz` says the hub can store and
 * deliver, as a list of named checks (503 when a critical one fails). The checks are a small
 * registry: the hub's own (database, migrations, disk) and whatever modules register through
 * `ctx.health.register` (the JMA poller, notification channels, PostgreSQL, Redis) — plugins never
 * import modules, modules bring their checks here.
 */
import type { CheckStatus, HealthCheckReport, SystemStatus } from '@tsunagu/protocol';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { Gauge, type Registry } from 'prom-client';
import type { Clock } from '../lib/clock';
import { safeEqual } from '../lib/secrets';
import { bearerToken } from './auth';

export interface CheckResult {
  status: CheckStatus;
  /** For operators, in English: /readyz, the log, the status page's detail line. */
  message: string;
  /** Stable reason code when not ok; the console's status page words it (catalogue `system.reasons`). */
  reason?: string;
  values?: Record<string, number>;
}

export interface HealthCheck {
  /** Stable, lower case (`jma`, `mail`, `postgres`): the /readyz name and the metrics label. */
  name: string;
  /**
   * Whether failing makes the hub not ready (503: a load balancer stops sending it traffic). True for
   * what this node needs to store and deliver (its database, its disk, PostgreSQL); false for a
   * dependency every node shares and that traffic elsewhere would not fix (the JMA feed, a mail
   * server): those are reported (status page, metrics, alerts) without taking every node out.
   */
  critical: boolean;
  /** Must be cheap: it runs on every /readyz, every scrape and every 10 s. Throwing counts as `fail`. */
  run(): CheckResult | Promise<CheckResult>;
  /** A check that does not answer within this is `fail` (default 2 s). */
  timeoutMs?: number;
}

export interface Health {
  register(check: HealthCheck): void;
  /** Runs every check (concurrent callers share one run). */
  evaluate(): Promise<SystemStatus>;
  /** The last evaluation, without running anything (null before the first). */
  last(): SystemStatus | null;
  /** Called after an evaluation in which some check changed status. */
  onChange(listener: (status: SystemStatus, changed: HealthCheckReport[]) => void): void;
  /** Something changed (a write failed, storage came back): evaluate soon. */
  refresh(): void;
  /** Evaluates every `intervalMs` (metrics, banner, log of changes); stopped when the app closes. */
  start(intervalMs?: number): void;
  stop(): void;
}

export const DEFAULT_CHECK_TIMEOUT_MS = 2_000;
export const HEALTH_INTERVAL_MS = 10_000;

const NAME = /^[a-z][a-z0-9_]{0,39}$/;

function withTimeout(check: HealthCheck): Promise<CheckResult> {
  const ms = check.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  return new Promise((resolve) => {
    // An I/O deadline, not domain time: a plain timer.
    const timer = setTimeout(
      () => resolve({ status: 'fail', reason: 'timeout', message: `The check did not answer within ${ms} ms.` }),
      ms,
    );
    Promise.resolve()
      .then(() => check.run())
      .then(
        (r) => resolve(r),
        (err: unknown) =>
          resolve({
            status: 'fail',
            reason: 'error',
            message: `The check failed: ${err instanceof Error ? err.message : String(err)}`,
          }),
      )
      .finally(() => clearTimeout(timer));
  });
}

export function createHealth(deps: { clock: Clock; log: FastifyBaseLogger; registry: Registry }): Health {
  const checks: HealthCheck[] = [];
  const since = new Map<string, { status: CheckStatus; at: number }>();
  const listeners: ((status: SystemStatus, changed: HealthCheckReport[]) => void)[] = [];
  let last: SystemStatus | null = null;
  let running: Promise<SystemStatus> | null = null;
  let refreshQueued = false;
  let interval: NodeJS.Timeout | null = null;

  async function run(): Promise<SystemStatus> {
    const results = await Promise.all(checks.map(withTimeout));
    const now = deps.clock.now();
    const changed: HealthCheckReport[] = [];
    const reports = checks.map((c, i): HealthCheckReport => {
      const r = results[i]!;
      const before = since.get(c.name);
      if (!before || before.status !== r.status) since.set(c.name, { status: r.status, at: now });
      const report: HealthCheckReport = {
        name: c.name,
        status: r.status,
        critical: c.critical,
        message: r.message,
        ...(r.reason !== undefined && r.status !== 'ok' ? { reason: r.reason } : {}),
        ...(r.values ? { values: r.values } : {}),
        since: new Date(since.get(c.name)!.at).toISOString(),
      };
      // The first evaluation is a change only when something is wrong (no "ok" noise at start-up).
      if (before ? before.status !== r.status : r.status !== 'ok') changed.push(report);
      return report;
    });
    const ready = reports.every((r) => !r.critical || r.status !== 'fail');
    const status: SystemStatus = {
      ready,
      status: !ready ? 'unavailable' : reports.every((r) => r.status === 'ok') ? 'ok' : 'degraded',
      checkedAt: new Date(now).toISOString(),
      checks: reports,
    };
    last = status;
    for (const c of changed) {
      const entry = { check: c.name, status: c.status, reason: c.reason, values: c.values };
      if (c.status === 'ok') deps.log.info(entry, `health check ${c.name} is ok again: ${c.message}`);
      else if (c.status === 'warn') deps.log.warn(entry, `health check ${c.name} warns: ${c.message}`);
      else deps.log.error(entry, `health check ${c.name} fails: ${c.message}`);
    }
    if (changed.length > 0) {
      for (const l of listeners) {
        try {
          l(status, changed);
        } catch (err) {
          deps.log.error({ err }, 'health change listener failed');
        }
      }
    }
    return status;
  }

  const health: Health = {
    register(check) {
      if (!NAME.test(check.name))
        throw new Error(`Health check name must be lower case letters, digits, _: ${check.name}`);
      if (checks.some((c) => c.name === check.name)) throw new Error(`Health check ${check.name} is registered twice`);
      checks.push(check);
    },
    evaluate() {
      if (!running) {
        running = run().finally(() => {
          running = null;
        });
      }
      return running;
    },
    last: () => last,
    onChange: (l) => listeners.push(l),
    refresh() {
      if (refreshQueued) return;
      refreshQueued = true;
      setImmediate(() => {
        refreshQueued = false;
        void health.evaluate();
      });
    },
    start(intervalMs = HEALTH_INTERVAL_MS) {
      if (interval) return;
      void health.evaluate();
      interval = setInterval(() => void health.evaluate(), intervalMs);
      interval.unref();
    },
    stop() {
      if (interval) clearInterval(interval);
      interval = null;
    },
  };

  // Readiness per check, as a state set: alert on tsunagu_health_check_status{status="fail"} == 1.
  new Gauge({
    name: 'tsunagu_health_check_status',
    help: 'Readiness checks: 1 for the status each check is in (ok, warn, fail), 0 for the others; critical="true" when failing makes the hub not ready',
    labelNames: ['check', 'critical', 'status'],
    registers: [deps.registry],
    async collect() {
      const s = await health.evaluate();
      this.reset();
      for (const c of s.checks) {
        for (const status of ['ok', 'warn', 'fail'] as const)
          this.set({ check: c.name, critical: String(c.critical), status }, c.status === status ? 1 : 0);
      }
    },
  });
  new Gauge({
    name: 'tsunagu_ready',
    help: '1 when every critical readiness check passes (what /readyz answers with 200)',
    registers: [deps.registry],
    async collect() {
      // The same evaluation as tsunagu_health_check_status in this scrape (concurrent callers share it).
      this.set((await health.evaluate()).ready ? 1 : 0);
    },
  });

  return health;
}

/**
 * `/healthz` (alive) and `/readyz` (ready, each check named), public as a load balancer needs them.
 * Strangers see each check's name, status and reason; the messages and figures (free bytes, error
 * text) only with the monitoring token (TSUNAGU_METRICS_TOKEN) — city hall sees them in the console.
 */
export function registerHealthRoutes(app: FastifyInstance, health: Health, options: { token: string | null }): void {
  app.get('/healthz', { config: { access: 'public' }, schema: { hide: true } }, async () => ({ status: 'ok' }));
  // No `access` rule on /readyz: the bearer token here is the monitoring token, not an API key.
  app.get('/readyz', { schema: { hide: true } }, async (request, reply) => {
    const status = await health.evaluate();
    const sent = bearerToken(request.headers.authorization);
    const detailed = options.token !== null && sent !== null && safeEqual(sent, options.token);
    reply.header('cache-control', 'no-store');
    return reply.status(status.ready ? 200 : 503).send(detailed ? status : publicView(status));
  });
}

function publicView(s: SystemStatus) {
  return {
    ready: s.ready,
    status: s.status,
    checks: s.checks.map((c) => ({
      name: c.name,
      status: c.status,
      critical: c.critical,
      ...(c.reason ? { reason: c.reason } : {}),
    })),
  };
}
