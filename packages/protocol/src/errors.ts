import { type Static, Type } from '@sinclair/typebox';

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
  RATE_LIMITED: 'RATE_LIMITED',
  CONFLICT: 'CONFLICT',
  WEAK_PASSWORD: 'WEAK_PASSWORD',
  ENROLLMENT_CODE_INVALID: 'ENROLLMENT_CODE_INVALID',
  ENROLLMENT_CODE_EXPIRED: 'ENROLLMENT_CODE_EXPIRED',
  ENROLLMENT_CODE_USED: 'ENROLLMENT_CODE_USED',
  CREDENTIAL_REVOKED: 'CREDENTIAL_REVOKED',
  PROTOCOL_MISMATCH: 'PROTOCOL_MISMATCH',
  INTERNAL: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes] | (string & {});

export const ErrorDetail = Type.Object({
  path: Type.String(),
  message: Type.String(),
});
export type ErrorDetail = Static<typeof ErrorDetail>;

export const ErrorInfo = Type.Object({
  code: Type.String(),
  message: Type.String(),
  details: Type.Optional(Type.Array(ErrorDetail)),
});
export type ErrorInfo = Static<typeof ErrorInfo>;

/** Body of every 4xx/5xx REST response. */
export const ErrorResponse = Type.Object({ error: ErrorInfo });
export type ErrorResponse = Static<typeof ErrorResponse>;

/** What every Socket.IO command answers through its acknowledgement callback. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: ErrorInfo };
export type AckCallback<T> = (result: Ack<T>) => void;
