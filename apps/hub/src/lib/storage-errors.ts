/**
 * Which failures mean "the hub cannot store anything right now" (a full disk, a read-only or failing
 * device), as opposed to a bug. Those are answered with STORAGE_UNAVAILABLE (retryable), never
 * INTERNAL: the client keeps what it sent and sends it again once storage is back.
 */
import { AppError } from './errors';

export type StorageProblem = 'disk_full' | 'read_only' | 'io_error' | 'cannot_open';

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
  return code.startsWith('SQLITE_') ? sqliteProblem(code) : (ERRNO[code] ?? null);
}

const WHY: Record<StorageProblem, string> = {
  disk_full: 'the disk is full',
  read_only: 'the database is read-only',
  io_error: 'the disk reports errors',
  cannot_open: 'the database cannot be opened',
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
