import { type Static, Type } from '@sinclair/typebox';
import { NonNegativeInt } from './fragments';

export const ErrorDetail = Type.Object({
  path: Type.String(),
  message: Type.String(),
});
export type ErrorDetail = Static<typeof ErrorDetail>;

export const ErrorInfo = Type.Object({
  code: Type.String(),
  message: Type.String(),
  details: Type.Optional(Type.Array(ErrorDetail)),
  /** True when the same request may succeed later unchanged (e.g. STORAGE_UNAVAILABLE): keep it and retry. */
  retryable: Type.Optional(Type.Boolean()),
  /** The hub's hint for the first retry; clients add their own backoff and jitter. */
  retryAfterSeconds: Type.Optional(NonNegativeInt),
});
export type ErrorInfo = Static<typeof ErrorInfo>;

/** Body of every 4xx/5xx REST response. */
export const ErrorResponse = Type.Object({ error: ErrorInfo });
export type ErrorResponse = Static<typeof ErrorResponse>;

/** What every Socket.IO command answers through its acknowledgement callback. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: ErrorInfo };
export type AckCallback<T> = (result: Ack<T>) => void;
