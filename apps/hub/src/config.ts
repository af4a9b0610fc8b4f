/** Hub configuration from the environment, validated so a typo stops the hub with a clear message. */
import path from 'node:path';
import { type DatabaseConfig, loadDatabaseConfig } from './db/engine';
import { loadTrustedCertificates, type TrustedCertificate } from './modules/announcements/cap/signature';
import { type JmaConfig, loadJmaConfig } from './modules/jma/config';
import { loadNotificationsConfig, type NotificationsConfig } from './modules/notifications/config';
import { loadRedisConfig } from './plugins/cluster';

export interface HubConfig {
  port: number;
  host: string;
  dataDir: string;
  /** TSUNAGU_DATABASE_URL: PostgreSQL (postgres://…); unset: SQLite in the data folder. */
  database: DatabaseConfig;
  /**
   * TSUNAGU_REDIS_URL (redis://…): several hubs share Socket.IO broadcasts and rate limits through
   * this Redis (plugins/cluster.ts); unset: one hub, all in memory.
   */
  redis: { url: string } | null;
  timeZone: string;
  /** Base URL people use to reach the hub (for printed links); defaults to http://HOST:PORT. */
  publicUrl: string;
  /** Set `Secure` on cookies: true behind TLS. */
  secureCookies: boolean;
  /** Seed the demo city when the database is empty. */
  seedDemo: boolean;
  iceServers: IceServerConfig[];
  turn: { urls: string[]; secret: string; ttlSeconds: number } | null;
  /** NODE_ENV=development: source maps are served (never in production). */
  development: boolean;
  /**
   * Who may read /metrics: with `token`, callers sending it as a bearer token; with `listen`, anyone
   * who can reach that separate (monitoring-network) address. Neither: nobody.
   */
  metrics: { token: string | null; listen: { host: string; port: number } | null };
  /**
   * Free space on the data folder's disk: under `warnBytes` the hub warns (status page, metrics);
   * under `reserveBytes` it stops non-essential writes (presence, voice clips) so the rest is kept
   * for check-ins, receipts and announcements.
   */
  disk: { warnBytes: number; reserveBytes: number };
  /** Seconds clients are told to wait before sending again after STORAGE_UNAVAILABLE. */
  storageRetrySeconds: number;
  /** Where the speech programs are when not on PATH (lib/speech/engine.ts finds them otherwise). */
  speechTools: { openJtalk?: string; dictionary?: string; voice?: string; espeak?: string; opusenc?: string };
  /** Automatic alerts from JMA disaster-information XML. */
  jma: JmaConfig;
  /** CAP signatures: TSUNAGU_CAP_TRUSTED_CERTS (PEM files) and TSUNAGU_CAP_REQUIRE_SIGNATURE. */
  cap: { trustedCertificates: TrustedCertificate[]; requireSignature: boolean };
  /** E-mail and Web Push to watchers (modules/notifications). */
  notifications: NotificationsConfig;
  /**
   * Help requests: TSUNAGU_HELP_ACK_MINUTES — a help request nobody acknowledged goes a level up
   * after this (10); TSUNAGU_SAFETY_UNANSWERED_MINUTES — households that have not answered a safety
   * check within this are alerted to their watchers (60).
   */
  help: { ackMinutes: number; safetyUnansweredMinutes: number };
  /**
   * TSUNAGU_RETENTION_DAYS: check-ins, signs of life, call records, data reads and delivered
   * announcement receipts older than this are deleted by the daily retention job (default 730).
   */
  retentionDays: number;
  /** TSUNAGU_AUDIT_RETENTION_DAYS: audit log entries older than this are deleted (default 3650, at least 1827). */
  auditRetentionDays: number;
}

export interface IceServerConfig {
  urls: string | string[];
  username?: string;
  credential?: string;
}

const MiB = 1024 * 1024;

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function parseBool(name: string, value: string | undefined, fallback: boolean, problems: string[]): boolean {
  if (value === undefined || value === '') return fallback;
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off)$/i.test(value)) return false;
  problems.push(`${name} must be true or false (got "${value}")`);
  return fallback;
}

/** The configuration from the environment, or null once what is wrong with it has been printed (exit 2). */
export function loadConfigOrReport(): HubConfig | null {
  try {
    return loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    return null;
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): HubConfig {
  const problems: string[] = [];

  let port = 8080;
  if (env.PORT !== undefined && env.PORT !== '') {
    if (!/^\d+$/.test(env.PORT) || Number(env.PORT) > 65535) {
      problems.push(`PORT must be a whole number from 0 to 65535 (got "${env.PORT}")`);
    } else port = Number(env.PORT);
  }

  const host = env.HOST && env.HOST.trim() !== '' ? env.HOST.trim() : '127.0.0.1';
  if (/\s/.test(host)) problems.push(`HOST must be a host name or IP address (got "${env.HOST}")`);

  const dataDir = path.resolve(
    cwd,
    env.TSUNAGU_DATA_DIR && env.TSUNAGU_DATA_DIR !== '' ? env.TSUNAGU_DATA_DIR : './data',
  );

  const database = loadDatabaseConfig(env, problems);
  const redis = loadRedisConfig(env, problems);

  const timeZone = env.TSUNAGU_TZ && env.TSUNAGU_TZ !== '' ? env.TSUNAGU_TZ : 'Asia/Tokyo';
  if (!isValidTimeZone(timeZone))
    problems.push(`TSUNAGU_TZ must be an IANA time zone such as Asia/Tokyo (got "${timeZone}")`);

  let publicUrl = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  if (env.TSUNAGU_PUBLIC_URL) {
    try {
      const u = new URL(env.TSUNAGU_PUBLIC_URL);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('protocol');
      publicUrl = u.origin;
    } catch {
      problems.push(`TSUNAGU_PUBLIC_URL must be an http(s) URL (got "${env.TSUNAGU_PUBLIC_URL}")`);
    }
  }
  const secureCookies = parseBool(
    'TSUNAGU_SECURE_COOKIES',
    env.TSUNAGU_SECURE_COOKIES,
    publicUrl.startsWith('https:'),
    problems,
  );
  const seedDemo = parseBool('TSUNAGU_SEED_DEMO', env.TSUNAGU_SEED_DEMO, true, problems);

  let iceServers: IceServerConfig[] = [];
  if (env.TSUNAGU_STUN_URLS) {
    const urls = env.TSUNAGU_STUN_URLS.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    for (const u of urls)
      if (!/^stuns?:/.test(u)) problems.push(`TSUNAGU_STUN_URLS entries must start with stun: (got "${u}")`);
    iceServers = [{ urls }];
  }
  let turn: HubConfig['turn'] = null;
  if (env.TSUNAGU_TURN_URLS) {
    const urls = env.TSUNAGU_TURN_URLS.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    for (const u of urls)
      if (!/^turns?:/.test(u)) problems.push(`TSUNAGU_TURN_URLS entries must start with turn: or turns: (got "${u}")`);
    const secret = env.TSUNAGU_TURN_SECRET ?? '';
    if (secret.length < 16)
      problems.push('TSUNAGU_TURN_SECRET must be set (at least 16 characters) when TSUNAGU_TURN_URLS is set');
    turn = { urls, secret, ttlSeconds: 3600 };
  }

  const jma = loadJmaConfig(env, problems);
  const cap = {
    trustedCertificates: loadTrustedCertificates(env.TSUNAGU_CAP_TRUSTED_CERTS, problems),
    requireSignature: parseBool('TSUNAGU_CAP_REQUIRE_SIGNATURE', env.TSUNAGU_CAP_REQUIRE_SIGNATURE, false, problems),
  };
  if (cap.requireSignature && cap.trustedCertificates.length === 0)
    problems.push('TSUNAGU_CAP_REQUIRE_SIGNATURE needs TSUNAGU_CAP_TRUSTED_CERTS (the certificates to verify with)');
  const notifications = loadNotificationsConfig(env, problems);
  const metrics = loadMetricsConfig(env, problems);
  const development = env.NODE_ENV === 'development';
  const megabytes = (name: string, fallback: number) => {
    const value = env[name];
    if (value === undefined || value === '') return fallback;
    if (!/^\d{1,9}$/.test(value)) {
      problems.push(`${name} must be a whole number of megabytes (got "${value}")`);
      return fallback;
    }
    return Number(value);
  };
  const disk = {
    warnBytes: megabytes('TSUNAGU_DISK_WARN_MB', 1024) * MiB,
    reserveBytes: megabytes('TSUNAGU_DISK_RESERVE_MB', 256) * MiB,
  };
  let storageRetrySeconds = 30;
  const retry = env.TSUNAGU_STORAGE_RETRY_SECONDS;
  if (retry !== undefined && retry !== '') {
    if (!/^\d{1,4}$/.test(retry) || Number(retry) < 1 || Number(retry) > 3600)
      problems.push(`TSUNAGU_STORAGE_RETRY_SECONDS must be a whole number from 1 to 3600 (got "${retry}")`);
    else storageRetrySeconds = Number(retry);
  }
  const minutes = (name: string, fallback: number) => {
    const value = env[name];
    if (value === undefined || value === '') return fallback;
    if (!/^\d{1,4}$/.test(value) || Number(value) < 1) {
      problems.push(`${name} must be a whole number of minutes, at least 1 (got "${value}")`);
      return fallback;
    }
    return Number(value);
  };
  let retentionDays = 730;
  const retention = env.TSUNAGU_RETENTION_DAYS;
  if (retention !== undefined && retention !== '') {
    if (!/^\d{1,5}$/.test(retention) || Number(retention) < 30)
      problems.push(`TSUNAGU_RETENTION_DAYS must be a whole number of days, at least 30 (got "${retention}")`);
    else retentionDays = Number(retention);
  }
  let auditRetentionDays = 3650;
  const auditRetention = env.TSUNAGU_AUDIT_RETENTION_DAYS;
  if (auditRetention !== undefined && auditRetention !== '') {
    // The audit log refuses to lose entries younger than five years (migration 0013).
    if (!/^\d{1,5}$/.test(auditRetention) || Number(auditRetention) < 1827)
      problems.push(
        `TSUNAGU_AUDIT_RETENTION_DAYS must be a whole number of days, at least 1827 (got "${auditRetention}")`,
      );
    else auditRetentionDays = Number(auditRetention);
  }
  const help = {
    ackMinutes: minutes('TSUNAGU_HELP_ACK_MINUTES', 10),
    safetyUnansweredMinutes: minutes('TSUNAGU_SAFETY_UNANSWERED_MINUTES', 60),
  };
  if (disk.reserveBytes > disk.warnBytes)
    problems.push(
      'TSUNAGU_DISK_RESERVE_MB must not be more than TSUNAGU_DISK_WARN_MB (the hub warns before it reserves)',
    );

  if (problems.length > 0) throw new ConfigError(problems);
  const speechTools = Object.fromEntries(
    (
      [
        ['openJtalk', env.TSUNAGU_OPEN_JTALK],
        ['dictionary', env.TSUNAGU_OPEN_JTALK_DIC],
        ['voice', env.TSUNAGU_OPEN_JTALK_VOICE],
        ['espeak', env.TSUNAGU_ESPEAK],
        ['opusenc', env.TSUNAGU_OPUSENC],
      ] as const
    ).filter(([, value]) => value !== undefined && value !== ''),
  ) as HubConfig['speechTools'];

  return {
    port,
    host,
    dataDir,
    database,
    redis,
    timeZone,
    publicUrl,
    secureCookies,
    seedDemo,
    iceServers,
    turn,
    disk,
    storageRetrySeconds,
    speechTools,
    jma,
    cap,
    notifications,
    help,
    retentionDays,
    auditRetentionDays,
    development,
    metrics,
  };
}

/** Who may read /metrics (TSUNAGU_METRICS_TOKEN, TSUNAGU_METRICS_LISTEN); neither set: nobody. */
function loadMetricsConfig(env: NodeJS.ProcessEnv, problems: string[]): HubConfig['metrics'] {
  const metrics: HubConfig['metrics'] = { token: null, listen: null };
  if (env.TSUNAGU_METRICS_TOKEN) {
    if (env.TSUNAGU_METRICS_TOKEN.length < 24 || /\s/.test(env.TSUNAGU_METRICS_TOKEN))
      problems.push('TSUNAGU_METRICS_TOKEN must be at least 24 characters without spaces (e.g. openssl rand -hex 24)');
    else metrics.token = env.TSUNAGU_METRICS_TOKEN;
  }
  if (env.TSUNAGU_METRICS_LISTEN) {
    const m = /^(.+):(\d{1,5})$/.exec(env.TSUNAGU_METRICS_LISTEN.trim());
    if (!m || Number(m[2]) > 65535)
      problems.push(
        `TSUNAGU_METRICS_LISTEN must be host:port, e.g. 10.0.0.5:9464 (got "${env.TSUNAGU_METRICS_LISTEN}")`,
      );
    else metrics.listen = { host: m[1]!.replace(/^\[(.*)\]$/, '$1'), port: Number(m[2]) };
  }
  return metrics;
}
