/** Prometheus metrics: one registry per hub instance (tests build many), served at /metrics to monitoring only. */
import http from 'node:http';
import type { FastifyInstance } from 'fastify';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { notFound, unauthenticated } from '../lib/errors';
import { safeEqual } from '../lib/secrets';
import { bearerToken } from './auth';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Asked by every terminal within seconds of an alert (the voice clip): counted without a
     * duration histogram.
     */
    hotPath?: boolean;
  }
}

/** A gauge read at scrape time from the module that owns the figure. */
export interface SampledGauge {
  /** Read at scrape time (a store's count may be awaited). */
  sample(source: () => number | Promise<number>): void;
}

/**
 * Figures the alert rules (docs/prometheus) rely on, named here once so the rules and the
 * runbooks can count on them; the module that owns each number fills it in.
 */
export interface OperationsMetrics {
  /** tsunagu_terminals_offline — enrolled terminals with no open connection (terminals module). */
  terminalsOffline: SampledGauge;
  /** tsunagu_terminals_enrolled — terminals enrolled and not revoked (terminals module). */
  terminalsEnrolled: SampledGauge;
  /** tsunagu_emergency_oldest_undelivered_seconds — age of the oldest published emergency some terminal has not received (announcements). */
  emergencyOldestUndelivered: SampledGauge;
  /** tsunagu_emergency_undelivered_terminals — terminals still without a published emergency (announcements). */
  emergencyUndeliveredTerminals: SampledGauge;
  /** tsunagu_poller_lag_seconds{poller} — seconds since a feed poller last succeeded (e.g. jma). */
  pollerLag: Gauge<'poller'>;
  /** tsunagu_notification_failures_total{channel} — messages a channel (mail, push…) failed to send. */
  notificationFailures: Counter<'channel'>;
}

export interface HubMetrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpDuration: Histogram<'method' | 'route'>;
  socketEvents: Counter<'namespace' | 'event' | 'outcome'>;
  operations: OperationsMetrics;
}

function sampledGauge(registry: Registry, name: string, help: string): SampledGauge {
  let source: (() => number | Promise<number>) | null = null;
  new Gauge({
    name,
    help,
    registers: [registry],
    async collect() {
      if (source) this.set(await source());
    },
  });
  return {
    sample(s) {
      source = s;
    },
  };
}

function operationsMetrics(registry: Registry): OperationsMetrics {
  return {
    terminalsOffline: sampledGauge(
      registry,
      'tsunagu_terminals_offline',
      'Enrolled terminals with no open connection to the hub',
    ),
    terminalsEnrolled: sampledGauge(registry, 'tsunagu_terminals_enrolled', 'Terminals enrolled and not revoked'),
    emergencyOldestUndelivered: sampledGauge(
      registry,
      'tsunagu_emergency_oldest_undelivered_seconds',
      'Age of the oldest published emergency that some enrolled terminal has not confirmed receiving (0: none)',
    ),
    emergencyUndeliveredTerminals: sampledGauge(
      registry,
      'tsunagu_emergency_undelivered_terminals',
      'Enrolled terminals that have not confirmed receiving a published emergency (per emergency, summed)',
    ),
    pollerLag: new Gauge({
      name: 'tsunagu_poller_lag_seconds',
      help: 'Seconds since a feed poller (e.g. the JMA feed) last fetched successfully',
      labelNames: ['poller'],
      registers: [registry],
    }),
    notificationFailures: new Counter({
      name: 'tsunagu_notification_failures_total',
      help: 'Notifications a channel (mail, push, …) failed to send, by channel',
      labelNames: ['channel'],
      registers: [registry],
    }),
  };
}

export function createMetrics(): HubMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'tsunagu_hub_' });
  return {
    registry,
    httpRequests: new Counter({
      name: 'tsunagu_http_requests_total',
      help: 'HTTP requests by route and status',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'tsunagu_http_request_duration_seconds',
      help: 'HTTP request duration',
      labelNames: ['method', 'route'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    socketEvents: new Counter({
      name: 'tsunagu_socket_events_total',
      help: 'Socket.IO commands handled, by outcome (ok, error code)',
      labelNames: ['namespace', 'event', 'outcome'],
      registers: [registry],
    }),
    operations: operationsMetrics(registry),
  };
}

/**
 * /metrics on the hub's own address for callers with the configured bearer token, and/or on a
 * separate monitoring address (started when the hub is ready). Returns that address once listening.
 */
export function registerMetricsRoute(
  app: FastifyInstance,
  metrics: HubMetrics,
  options: { token: string | null; listen: { host: string; port: number } | null },
): { address(): string | null } {
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unknown';
    metrics.httpRequests.inc({ method: request.method, route, status: String(reply.statusCode) });
    if (!request.routeOptions.config?.hotPath)
      metrics.httpDuration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
    done();
  });
  // No `access` rule: that is for /api routes and would read the bearer token as an API key.
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    // Process and traffic figures help an attacker too: only for monitoring.
    if (!options.token) throw notFound('route');
    const sent = bearerToken(request.headers.authorization);
    if (!sent || !safeEqual(sent, options.token)) throw unauthenticated('Send the monitoring token as a bearer token.');
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });

  let server: http.Server | null = null;
  let address: string | null = null;
  if (options.listen) {
    const { host, port } = options.listen;
    // onReady is awaited before the hub listens (onListen is not), so the address is known then.
    app.addHook('onReady', async () => {
      server = http.createServer((req, res) => {
        if (req.method === 'GET' && req.url?.split('?')[0] === '/metrics') {
          metrics.registry.metrics().then(
            (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
            () => res.writeHead(500).end(),
          );
          return;
        }
        res
          .writeHead(404, { 'content-type': 'application/json; charset=utf-8' })
          .end(JSON.stringify({ error: { code: 'NOT_FOUND', message: 'Only /metrics is served here.' } }));
      });
      await new Promise<void>((resolve, reject) => {
        server!.once('error', reject);
        server!.listen(port, host, () => resolve());
      });
      const a = server.address();
      const bound = typeof a === 'object' && a ? a.port : port;
      address = `http://${host.includes(':') ? `[${host}]` : host}:${bound}`;
      app.log.info({ address }, 'metrics served on the monitoring address');
    });
    app.addHook('onClose', async () => {
      if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
    });
  }
  return { address: () => address };
}
