/** Builds the hub: Fastify app, Socket.IO namespaces and every capability module, without listening. */
import fs from 'node:fs';
import path from 'node:path';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { PROTOCOL_VERSION } from '@tsunagu/protocol';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import Fastify, { type FastifyServerOptions } from 'fastify';
import { Gauge } from 'prom-client';
import { type HubConfig, loadConfig } from './config';
import type { HubContext } from './context';
import type { HubCore } from './core';
import { type Changes, noChanges, postgresChanges } from './db/changes';
import { startCheckpointer } from './db/checkpointer';
import { type Db, databaseFile, openDatabase } from './db/database';
import { openPostgres, type Pg } from './db/postgres';
import { postgresSql, type Sql, sqliteSql } from './db/sql';
import type { Hub } from './hub';
import { type Clock, systemClock } from './lib/clock';
import { DomainEventBus } from './lib/events';
import { RepeatedLog } from './lib/repeated-log';
import { accountsRoutes } from './modules/accounts/routes';
import { createAccountsService, SESSION_IDLE_MS } from './modules/accounts/service';
import { createSessionGuard, scheduleSessionSweeps, shareSessionEnds } from './modules/accounts/session-guard';
import { createAccountsStore } from './modules/accounts/store';
import { createTwoFactorService } from './modules/accounts/two-factor';
import { twoFactorRoutes } from './modules/accounts/two-factor-routes';
import { createTwoFactorStore } from './modules/accounts/two-factor-store';
import { createDataReads } from './modules/audit/data-reads';
import { scheduleRetention } from './modules/audit/retention';
import { createAuditStore } from './modules/audit/store';
import { registerCapabilities } from './modules/capabilities';
import { hearHouseholdChanges } from './modules/households/changes';
import { householdsRoutes } from './modules/households/routes';
import { createHouseholdsStore } from './modules/households/store';
import { registerShops } from './modules/shops';
import { createShops } from './modules/shops/directory';
import { terminalsRoutes } from './modules/terminals/routes';
import { createTerminalsService, type TerminalsService } from './modules/terminals/service';
import { createTerminalsStore } from './modules/terminals/store';
import type { AdmissionControl } from './plugins/admission';
import { registerAuth } from './plugins/auth';
import { connectCluster } from './plugins/cluster';
import { clientErrorHandler, createFailureReporter, frameworkErrors, registerErrorHandling } from './plugins/errors';
import { createFastGets } from './plugins/fast-get';
import { createHealth, registerHealthRoutes } from './plugins/health';
import { createJobs } from './plugins/jobs';
import { createMetrics, registerMetricsRoute } from './plugins/metrics';
import { helmetHeaders, registerSecurityHeaders } from './plugins/security-headers';
import { registerSerialization } from './plugins/serialization';
import { createSockets, rooms } from './plugins/socket';
import { createStorageGuard } from './plugins/storage';

/** Largest JSON body the hub accepts by default; routes that take uploads raise it for themselves. */
export const BODY_LIMIT_BYTES = 256 * 1024;

export interface BuildOptions {
  config?: Partial<HubConfig>;
  /** An open database; otherwise one is opened in the data directory (or `:memory:` when `inMemory`). */
  db?: Db;
  inMemory?: boolean;
  clock?: Clock;
  logger?: FastifyServerOptions['logger'];
  /** Check every JSON answer against plain JSON.stringify (default: under test), see plugins/serialization.ts. */
  strictResponses?: boolean;
  /** Start schedulers and timers (default true); the admin CLI turns them off. */
  backgroundJobs?: boolean;
  /** How fast terminals may connect (default: the hub's own, plugins/admission.ts); tests set their own. */
  admission?: AdmissionControl;
}

export type { Hub };

/** SQLite's `data_version`: moves when another connection commits to the file. */
const sqliteDataVersion = (db: Db) => {
  const statement = db.prepare('PRAGMA data_version').pluck();
  return () => statement.get() as number;
};

/**
 * A chunk or asset esbuild named after its content (`chunk-B4L6KII4.js`, `[name]-[hash]`, base32):
 * that name never holds anything else, so a browser keeps it without asking again. The pages, the
 * entries (`app.js`) and the service worker keep their names across builds: asked again each time.
 */
const CONTENT_NAMED = /-[A-Z2-7]{8}\.[a-z0-9]+(\.(br|gz))?$/;

const WEB_APPS = [
  { prefix: '/terminal/', dir: path.resolve(__dirname, '../../terminal/dist/web') },
  { prefix: '/console/', dir: path.resolve(__dirname, '../../console/dist/web') },
];

// Body: no coercion and no silent stripping, so wrong types and unknown fields are refused.
// URL parts arrive as strings, so params and query strings are coerced. One pair per process:
// Ajv keeps each compiled schema, so a second hub in the same process (tests build hundreds)
// does not compile the route table again.
const ajvOptions = { allErrors: true, removeAdditional: false, useDefaults: true } as const;
const ajvBody = addFormats(new Ajv({ ...ajvOptions, coerceTypes: false }));
const ajvUrl = addFormats(new Ajv({ ...ajvOptions, coerceTypes: 'array' }));

export async function buildApp(options: BuildOptions = {}): Promise<Hub> {
  const config: HubConfig = { ...loadConfig({ ...process.env, PORT: '0' }), seedDemo: false, ...options.config };
  const clock = options.clock ?? systemClock;
  // Several hubs (TSUNAGU_REDIS_URL): broadcasts and rate limits shared through Redis. First, so a
  // Redis that cannot be reached stops the start before anything else is opened.
  const cluster = config.redis ? await connectCluster(config.redis) : null;
  const db = options.db ?? openDatabase(options.inMemory ? ':memory:' : databaseFile(config.dataDir));
  let pg: Pg | null = null;
  let sql: Sql = sqliteSql(db);
  let changes: Changes = noChanges;
  if (config.database.engine === 'postgres') {
    pg = await openPostgres(config.database.url);
    sql = postgresSql(pg);
    changes = postgresChanges(pg);
  }

  const trustProxy = process.env.TSUNAGU_TRUST_PROXY === '1';
  const securityHeaders = helmetHeaders({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        mediaSrc: ["'self'", 'blob:', 'data:'],
        connectSrc: ["'self'", 'ws:', 'wss:'],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        upgradeInsecureRequests: null,
      },
    },
    crossOriginEmbedderPolicy: false,
    strictTransportSecurity: config.publicUrl.startsWith('https:'),
  });
  // The voice clip's fast path (modules/announcements/speech/fast.ts) answers before Fastify's router.
  const fast = createFastGets();
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy,
    forceCloseConnections: true,
    // Registration waits on the database and, in a restart under load, on a busy CPU: Fastify's
    // 10 s default made restarts fail spuriously ("Plugin did not start in time").
    pluginTimeout: 120_000,
    // A bad header or URL is a 400 in the one error shape, never a crash.
    frameworkErrors,
    clientErrorHandler,
    return503OnClosing: true,
    serverFactory: fast.serverFactory,
  });
  app.addHook('preClose', async () => fast.close());
  if (cluster) app.addHook('onClose', async () => cluster.close());

  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? ajvBody : ajvUrl).compile(schema));
  registerSerialization(app, { strict: options.strictResponses ?? process.env.NODE_ENV === 'test' });

  const metrics = createMetrics();
  const repeated = new RepeatedLog(app.log, clock);
  const health = createHealth({ clock, log: app.log, registry: metrics.registry });
  // WAL checkpoints in a worker, not inside the commits the event loop waits for (db/checkpointer.ts):
  // for the hub's own database on disk, in a hub that runs its background work.
  const checkpointer =
    !options.db && !options.inMemory && config.database.engine === 'sqlite' && (options.backgroundJobs ?? true)
      ? startCheckpointer(db, {
          onFailure: (err) => app.log.warn({ err }, 'WAL checkpoints fell back to the hub itself'),
        })
      : null;
  const storage = createStorageGuard({
    db,
    sql,
    dataDir: config.dataDir,
    thresholds: config.disk,
    clock,
    health,
    repeated,
    registry: metrics.registry,
  });
  const failure = createFailureReporter({ storage, repeated, retryAfterSeconds: config.storageRetrySeconds });
  registerErrorHandling(app, failure);
  await app.register(cookie);
  registerSecurityHeaders(app, securityHeaders);
  await app.register(rateLimit, {
    global: false,
    ...(cluster ? { redis: cluster.redis, nameSpace: 'tsunagu:rate:', skipOnError: true } : {}),
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      code: 'RATE_LIMITED',
      error: 'Too Many Requests',
      message: `Too many attempts. Wait ${Math.ceil(context.ttl / 1000)} seconds and try again.`,
    }),
  });
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Tsunagu hub API',
        version: String(PROTOCOL_VERSION),
        description: 'REST API of the Tsunagu hub.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'tsunagu_session' },
          bearer: { type: 'http', scheme: 'bearer' },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  const accountsStore = createAccountsStore(sql);
  const householdsStore = createHouseholdsStore(sql);
  const terminalsStore = createTerminalsStore(sql);
  const shopsStore = await createShops({ changes, log: app.log }, sql);
  const audit = createAuditStore(sql, clock);
  try {
    // Nobody is connected to this hub yet. On PostgreSQL other hubs hold their own terminals: only
    // those not seen for three of their heartbeats (every 30 s) are offline.
    await terminalsStore.markOfflineSeenBefore(pg ? clock.now() - 90_000 : Number.MAX_SAFE_INTEGER);
  } catch (err) {
    // On a full disk the hub still starts: it can deliver what is stored and answer STORAGE_UNAVAILABLE.
    if (!storage.reportFailure(err, 'start-up (terminals marked offline)')) throw err;
  }

  const twoFactor = createTwoFactorService({ store: createTwoFactorStore(sql), clock });
  const accounts = createAccountsService({
    store: accountsStore,
    clock,
    shopExists: (id) => shopsStore.exists(id),
    twoFactor,
  });
  // Filled in below: sockets need the authenticators and the terminals service needs the sockets.
  let terminals: TerminalsService | null = null;
  const authenticators = {
    session: (token: string) => accounts.authenticateSession(token),
    apiKey: (key: string) => accounts.authenticateApiKey(key),
    terminal: (credential: string) => terminals?.authenticate(credential) ?? null,
  };
  const apiRoutes = registerAuth(app, authenticators);
  const sessionGuard = createSessionGuard({
    store: accountsStore,
    clock,
    idleMs: SESSION_IDLE_MS,
    // Another process (the admin command line) writing the SQLite file; on PostgreSQL the change feed tells.
    changeMarker: pg ? undefined : sqliteDataVersion(db),
  });
  const sockets = createSockets(app, {
    auth: authenticators,
    publicUrl: config.publicUrl,
    metrics: metrics.socketEvents,
    failure,
    sessions: sessionGuard,
    trustProxy,
    admission: options.admission,
    ...(cluster ? { cluster } : {}),
  });
  // A staff socket lives only as long as its session (sign-out, disable, password change, expiry),
  // on every hub sharing the database.
  accounts.onSessionsEnded(
    shareSessionEnds({
      changes,
      sql,
      end(ended) {
        sessionGuard.invalidate();
        sockets.endStaffSessions(ended);
      },
      reset() {
        sessionGuard.invalidate();
        sockets.sweepStaffSessions();
      },
      onError: (err) => app.log.error({ err }, 'ended sessions not sent to other hubs'),
    }),
  );
  // Jobs with one runner among the hubs (plugins/jobs.ts); stopped before the sockets and the database close.
  const jobs = createJobs({
    enabled: options.backgroundJobs ?? true,
    pg,
    onError: (err, job) => app.log.error({ err, job }, 'scheduled job failed to start or stop'),
    onLeadership: (leading) =>
      app.log.info({ leading }, leading ? 'this hub runs the scheduled jobs' : 'another hub runs the scheduled jobs'),
  });
  app.addHook('preClose', async () => jobs.close());
  if (options.backgroundJobs ?? true) {
    // Every hub sweeps its own staff sockets.
    const stop = scheduleSessionSweeps({ clock, guard: sessionGuard, sweep: () => sockets.sweepStaffSessions() });
    app.addHook('onClose', async () => stop());
  }
  let stopRetention = async () => {};
  jobs.add('retention', {
    start: () => {
      stopRetention = scheduleRetention({
        sql,
        clock,
        days: config.retentionDays,
        auditDays: config.auditRetentionDays,
        onError: (err) => app.log.error({ err }, 'retention job failed'),
      });
    },
    stop: () => stopRetention(),
  });

  const events = new DomainEventBus((err, event) => app.log.error({ err, event }, 'domain event listener failed'));
  const ctx: HubContext = {
    config,
    db,
    sql,
    changes,
    clock,
    sockets,
    audit,
    reads: createDataReads(sql, clock),
    metrics,
    log: app.log,
    events,
    health,
    storage,
    backgroundJobs: options.backgroundJobs ?? true,
    jobs,
    cluster,
  };
  hearHouseholdChanges(ctx);
  terminals = createTerminalsService(ctx, {
    terminals: terminalsStore,
    households: householdsStore,
    shops: shopsStore,
  });

  // Sockets join rooms by identity, before any module's connection handler runs, so modules can
  // address them without per-socket work and rely on the rooms whatever their registration order.
  sockets.setRooms({
    terminal: (p) => terminals?.roomsOf(p) ?? null,
    staff: (p) =>
      p.kind !== 'user'
        ? []
        : [
            rooms.user(p.user.id),
            rooms.role(p.user.role),
            ...(p.user.shopId !== null ? [rooms.shop(p.user.shopId)] : []),
          ],
  });
  sockets.onStaffConnection(({ principal, on }) => {
    if (principal.kind !== 'user') return;
    on('staff:ping', { access: 'staff' }, () => ({
      serverTime: new Date(clock.now()).toISOString(),
    }));
  });

  const metricsRoute = registerMetricsRoute(app, metrics, config.metrics);
  // What monitoring alerts on first: terminals dropping off (a district outage, or the hub unreachable).
  new Gauge({
    name: 'tsunagu_sockets_connected',
    help: 'Open Socket.IO connections, by namespace (terminal, staff)',
    labelNames: ['namespace'],
    registers: [metrics.registry],
    collect() {
      this.set({ namespace: 'terminal' }, sockets.terminals.sockets.size);
      this.set({ namespace: 'staff' }, sockets.staff.sockets.size);
    },
  });
  registerHealthRoutes(app, health, { token: config.metrics.token });

  await app.register(accountsRoutes(ctx, accounts));
  await app.register(twoFactorRoutes(ctx, { accounts, twoFactor }));
  await app.register(householdsRoutes(ctx, { households: householdsStore, accounts: accountsStore }, terminals));
  await app.register(terminalsRoutes(ctx, terminals, terminalsStore));
  await registerShops(app, ctx, shopsStore);

  const core: HubCore = {
    app,
    ctx,
    stores: { accounts: accountsStore, households: householdsStore, terminals: terminalsStore, shops: shopsStore },
    pg,
    services: { accounts, terminals, twoFactor },
    apiRoutes,
    metricsAddress: metricsRoute.address,
    fast: { add: fast.add, securityHeaders },
  };
  const hub: Hub = { ...core, capabilities: await registerCapabilities(core) };

  for (const web of WEB_APPS) {
    if (fs.existsSync(web.dir)) {
      await app.register(fastifyStatic, {
        root: web.dir,
        prefix: web.prefix,
        decorateReply: false,
        index: ['index.html'],
        // The build's Brotli and gzip copies (scripts/build-web.mjs) to a browser that accepts them;
        // a cache on the way must keep one copy per encoding asked for.
        preCompressed: true,
        cacheControl: false,
        setHeaders: (res, file) => {
          res.setHeader('vary', 'Accept-Encoding');
          res.setHeader(
            'cache-control',
            CONTENT_NAMED.test(path.basename(file)) ? 'public, max-age=31536000, immutable' : 'no-cache',
          );
        },
        // Source maps show the unminified code: for developers, not for everyone on the network.
        allowedPath: (pathName) => config.development || !pathName.endsWith('.map'),
      });
    } else {
      app.get(web.prefix, { schema: { hide: true } }, async (_req, reply) =>
        reply
          .status(503)
          .type('text/plain; charset=utf-8')
          .send(`This page has not been built yet: run "npm run build".`),
      );
    }
    app.get(web.prefix.slice(0, -1), { schema: { hide: true } }, async (_req, reply) => reply.redirect(web.prefix));
  }
  app.get('/', { schema: { hide: true } }, async (_req, reply) => reply.redirect('/console/'));

  if (options.backgroundJobs ?? true) health.start();
  // Every cache has subscribed by now (modules register before the app is ready).
  app.addHook('onReady', async () => changes.start());
  app.addHook('onClose', async () => {
    health.stop();
    repeated.flush();
    await changes.stop();
    await pg?.end();
    await checkpointer?.stop();
    if (!options.db) db.close();
  });

  return hub;
}
