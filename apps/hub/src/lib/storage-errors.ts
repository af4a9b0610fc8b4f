/**
 * Which failures mean "the hub cannot store anything right now" (a full disk, a read-only or failing
 * device), as opposed to a bug. Those are answered with STORAGE_UNAVAILABLE (retryable), never
 * INTERNAL: the client keeps what it sent and sends it again once storage is back.
 */
import { AppError } from './errors';

export type StorageProblem = 'disk_full' | 'read_only' | 'io_error' | 'cannot_open' | 'unreachable';

/** What clients are told to wait before the first retry (TSUNAGU_STORAGE_RETRY_SECONDS); they add backoff and jitter. */
export const STORAGE_RETRY_AFTER_SECONDS = 30;

/** SQLite result codes (better-sqlite3's `SqliteError.code`, extended codes included). */
function sqliteProblem(code: string): StorageProblem | null {
  if (code === 'SQLITE_FULL') return 'disk_full';
  if (code.startsWith('SQLITE_IOERR')) return 'io_error';
  if (code.startsWith('SQLITE_READONLY')) return 'read_only';
  if (code.startsWith('SQLITE_CANTOPEN')) return 'cannot_open';
  return null;
}

/**
 * PostgreSQL's SQLSTATE (pg's `DatabaseError.code`): a full disk, a read-only server (a standby), an
 * I/O error, and the server going away or refusing connections. A protocol violation (08P01) is a bug.
 */
function postgresProblem(code: string): StorageProblem | null {
  if (code === '53100') return 'disk_full';
  if (code === '25006') return 'read_only';
  if (code === '58030') return 'io_error';
  if ((code.startsWith('08') && code !== '08P01') || ['57P01', '57P02', '57P03', '53300'].includes(code))
    return 'unreachable';
  return null;
}

/**
 * The database server cannot be reached (connection refused, lost or timed out; the pool closed):
 * what the PostgreSQL runner (db/sql.ts) throws in place of the driver's error, so it is told apart
 * from the same network errors elsewhere (a web push, the JMA feed), which are not storage problems.
 */
export class DatabaseUnreachableError extends Error {
  readonly code = 'DATABASE_UNREACHABLE';
  constructor(cause: unknown) {
    super(`the database cannot be reached: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'DatabaseUnreachableError';
  }
}

const LOST_CONNECTION =
  /Connection terminated|not queryable|after calling end on the pool|timeout exceeded when trying to connect/;
const NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
]);

/** A failure of the PostgreSQL driver itself (no SQLSTATE) that means the server is out of reach: wrapped; anything else as it was. */
export function postgresFailure(err: unknown): unknown {
  if (typeof err !== 'object' || err === null || 'severity' in err) return err;
  const code = (err as { code?: unknown }).code;
  const message = err instanceof Error ? err.message : '';
  return (typeof code === 'string' && NETWORK.has(code)) || LOST_CONNECTION.test(message)
    ? new DatabaseUnreachableError(err)
    : err;
}

/** Node's file system errors (voice clips, uploads in the data folder). */
const ERRNO: Record<string, StorageProblem> = {
  ENOSPC: 'disk_full',
  EDQUOT: 'disk_full',
  // A file-size limit (RLIMIT_FSIZE) or a file system's largest file: no more room for this file.
  EFBIG: 'disk_full',
  EROFS: 'read_only',
  EIO: 'io_error',
};

/** The storage problem behind `err`, or null when it is some other failure. */
export function storageProblemOf(err: unknown): StorageProblem | null {
  if (err instanceof StorageUnavailableError) return err.problem;
  if (typeof err !== 'object' || err === null) return null;
  const code = (err as { code?: unknown }).code;
  if (typeof code !== 'string') return null;
  if (code === 'DATABASE_UNREACHABLE') return 'unreachable';
  if ('severity' in err && /^[0-9A-Z]{5}$/.test(code)) return postgresProblem(code);
  return code.startsWith('SQLITE_') ? sqliteProblem(code) : (ERRNO[code] ?? null);
}

const WHY: Record<StorageProblem, string> = {
  disk_full: 'the disk is full',
  read_only: 'the database is read-only',
  io_error: 'the disk reports errors',
  cannot_open: 'the database cannot be opened',
  unreachable: 'the database server cannot be reached',
};

/** A plain description of the problem for messages and logs. */
export function describeStorageProblem(problem: StorageProblem): string {
  return WHY[problem];
}

/** 503 STORAGE_UNAVAILABLE: nothing was stored; the same request may be sent again later. */
export class StorageUnavailableError extends AppError {
  constructor(
    public readonly problem: StorageProblem,
    message = `Nothing was stored: ${WHY[problem]}. Keep this and send it again later.`,
    retryAfterSeconds = STORAGE_RETRY_AFTER_SECONDS,
  ) {
    super(503, 'STORAGE_UNAVAILABLE', message, undefined, retryAfterSeconds);
    this.name = 'StorageUnavailableError';
  }
}
