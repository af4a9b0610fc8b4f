import type { ErrorCode, ErrorDetail, ErrorInfo } from '@tsunagu/protocol';

/** An error a client caused or may see: carries its HTTP status and stable code. */
export class AppError extends Error {
  constructor(
    public readonly statusCode: number,
    public readonly code: ErrorCode,
    message: string,
    public readonly details?: ErrorDetail[],
    /** Set when the same request may succeed later unchanged: the client keeps it and retries. */
    public readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** The error body's fields for `err`: code, message, details, and the retry hint when there is one. */
export function errorInfo(err: AppError): ErrorInfo {
  return {
    code: err.code,
    message: err.message,
    ...(err.details ? { details: err.details } : {}),
    ...(err.retryAfterSeconds !== undefined ? { retryable: true, retryAfterSeconds: err.retryAfterSeconds } : {}),
  };
}

export const badRequest = (code: ErrorCode, message: string, details?: ErrorDetail[]) =>
  new AppError(400, code, message, details);
export const notFound = (what = 'resource') => new AppError(404, 'NOT_FOUND', `That ${what} does not exist.`);
export const forbidden = (message = 'You are not allowed to do this.') => new AppError(403, 'FORBIDDEN', message);
export const unauthenticated = (message = 'Please sign in.') => new AppError(401, 'UNAUTHENTICATED', message);
export const conflict = (message: string) => new AppError(409, 'CONFLICT', message);
