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
