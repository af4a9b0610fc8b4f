// The stable error codes alone, without schemas: a client that only branches on them (the terminal's
// first screen) does not load TypeBox for them.
/** Stable error codes. Clients branch on these; messages are for people. */
export const ErrorCodes = {
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  BAD_REQUEST: 'BAD_REQUEST',
  BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  NOT_FOUND: 'NOT_FOUND',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  CSRF_FAILED: 'CSRF_FAILED',
  INVALID_CREDENTIALS: 'INVALID_CREDENTIALS',
  ACCOUNT_LOCKED: 'ACCOUNT_LOCKED',
  ACCOUNT_DISABLED: 'ACCOUNT_DISABLED',
  TWO_FACTOR_REQUIRED: 'TWO_FACTOR_REQUIRED',
  TWO_FACTOR_INVALID: 'TWO_FACTOR_INVALID',
  TWO_FACTOR_SETUP_REQUIRED: 'TWO_FACTOR_SETUP_REQUIRED',
  RATE_LIMITED: 'RATE_LIMITED',
  CONFLICT: 'CONFLICT',
  WEAK_PASSWORD: 'WEAK_PASSWORD',
  ENROLLMENT_CODE_INVALID: 'ENROLLMENT_CODE_INVALID',
  ENROLLMENT_CODE_EXPIRED: 'ENROLLMENT_CODE_EXPIRED',
  ENROLLMENT_CODE_USED: 'ENROLLMENT_CODE_USED',
  CREDENTIAL_REVOKED: 'CREDENTIAL_REVOKED',
  PROTOCOL_MISMATCH: 'PROTOCOL_MISMATCH',
  /**
   * A terminal's connection was refused because the hub is taking as many connections as it can
   * serve (after a restart every terminal returns at once). Not an error in the terminal: connect
   * again after the connect error's `retryAfterMs`, with jitter.
   */
  HUB_BUSY: 'HUB_BUSY',
  /** The household was closed: reopen it first. */
  HOUSEHOLD_CLOSED: 'HOUSEHOLD_CLOSED',
  /** A watcher's invitation code that is unknown, used or expired: ask city hall for a new one. */
  INVITATION_INVALID: 'INVITATION_INVALID',
  /** A CSV import file that cannot be read at all (not text, no header row, no name column, too many rows). */
  IMPORT_FILE_INVALID: 'IMPORT_FILE_INVALID',
  /** A plan test is already running on this household: wait for it or end it first. */
  PLAN_TEST_RUNNING: 'PLAN_TEST_RUNNING',
  /** The terminal is not connected now: a volume test or a restart cannot reach it. */
  TERMINAL_OFFLINE: 'TERMINAL_OFFLINE',
  /** No plan test is running on this household. */
  PLAN_TEST_NOT_RUNNING: 'PLAN_TEST_NOT_RUNNING',
  /**
   * The hub cannot store anything right now (disk full, database not writable). Nothing was stored;
   * the same request will succeed once storage is back: keep it and send it again later
   * (`retryable: true`, `retryAfterSeconds`; REST also sends `Retry-After`). Never means a bug.
   */
  STORAGE_UNAVAILABLE: 'STORAGE_UNAVAILABLE',
  /**
   * Several hubs: the hub that routes calls has just gone and another is taking over. Nothing was
   * done; the same command will work in a moment (`retryable: true`).
   */
  CALLS_UNAVAILABLE: 'CALLS_UNAVAILABLE',
  INTERNAL: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes] | (string & {});
