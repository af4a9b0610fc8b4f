/**
 * Which database engine the hub runs on: SQLite in the data folder (the default: `npm start` needs
 * no server) or PostgreSQL, selected by TSUNAGU_DATABASE_URL=postgres://… (several hubs on one
 * database, issue 18). docs/architecture.md, "Database engines", says how stores support both.
 */
export type DatabaseConfig = { engine: 'sqlite' } | { engine: 'postgres'; url: string };

export function loadDatabaseConfig(env: NodeJS.ProcessEnv, problems: string[]): DatabaseConfig {
  const raw = env.TSUNAGU_DATABASE_URL?.trim();
  if (!raw) return { engine: 'sqlite' };
  let url: URL | null = null;
  try {
    url = new URL(raw);
  } catch {}
  if (!url || !['postgres:', 'postgresql:'].includes(url.protocol) || !url.hostname || url.pathname.length < 2) {
    // The value may hold a password: not repeated in the message.
    problems.push(
      'TSUNAGU_DATABASE_URL must be a PostgreSQL URL such as postgres://tsunagu@db.example:5432/tsunagu (or unset for SQLite)',
    );
    return { engine: 'sqlite' };
  }
  return { engine: 'postgres', url: raw };
}

/**
 * The stores that run on SQLite only so far. Whoever converts one removes it here; the hub starts
 * on PostgreSQL (`buildApp`) once this list is empty, and refuses before that.
 */
export const STORES_NOT_ON_POSTGRES: readonly string[] = ['announcement speech'];

/** Why a hub given TSUNAGU_DATABASE_URL does not start yet (rather than quietly using SQLite). */
export function postgresNotReadyMessage(missing: readonly string[] = STORES_NOT_ON_POSTGRES): string {
  return [
    'TSUNAGU_DATABASE_URL selects PostgreSQL, but this version of the hub cannot run on it yet:',
    `these parts still need SQLite (${missing.join(', ')}). Unset TSUNAGU_DATABASE_URL to use`,
    'SQLite in the data folder (see docs/architecture.md, "Database engines").',
  ].join('\n');
}

/** Thrown by `buildApp` for a PostgreSQL hub while some store runs on SQLite only. */
export class PostgresNotReadyError extends Error {
  readonly code = 'POSTGRES_NOT_READY';
  constructor(missing: readonly string[] = STORES_NOT_ON_POSTGRES) {
    super(postgresNotReadyMessage(missing));
  }
}
