/**
 * One error shape for every REST response and socket ack: `{ error: { code, message, details? } }`,
 * never a stack trace. A storage failure is STORAGE_UNAVAILABLE (503, retryable, `Retry-After`),
 * never INTERNAL; unexpected failures are logged once and then summarised, not once each.
 */
import type { Socket } from 'node:net';
import type { ErrorInfo } from '@tsunagu/protocol';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, errorInfo } from '../lib/errors';
import { formatCount, type RepeatedLog } from '../lib/repeated-log';
import { StorageUnavailableError, storageProblemOf } from '../lib/storage-errors';
import type { StorageGuard } from './storage';

/** What a failed request or socket command answers; `operation` names it in logs and metrics. */
export type FailureReporter = (err: unknown, operation: string) => { statusCode: number; error: ErrorInfo };

const INTERNAL: ErrorInfo = { code: 'INTERNAL', message: 'Something went wrong on the hub. It has been logged.' };

export function createFailureReporter(deps: {
  storage: StorageGuard;
  repeated: RepeatedLog;
  /** The retry hint given with STORAGE_UNAVAILABLE. */
  retryAfterSeconds: number;
}): FailureReporter {
  return (err, operation) => {
    if (err instanceof AppError && !(err instanceof StorageUnavailableError)) {
      return { statusCode: err.statusCode, error: errorInfo(err) };
    }
    const problem = storageProblemOf(err);
    if (problem) {
      deps.storage.reportFailure(err, operation);
      const refusal =
        err instanceof StorageUnavailableError
          ? err
          : new StorageUnavailableError(problem, undefined, deps.retryAfterSeconds);
      return { statusCode: refusal.statusCode, error: errorInfo(refusal) };
    }
    const message = err instanceof Error ? err.message : String(err);
    deps.repeated.report(`internal ${operation} ${message}`, {
      level: 'error',
      obj: { err, operation },
      msg: `${operation} failed`,
      summary: (n, s) => `${formatCount(n)} × ${operation} failed in ${s} s: ${message}`,
    });
    return { statusCode: 500, error: INTERNAL };
  };
}

interface ValidationIssue {
  instancePath?: string;
  message?: string;
  params?: Record<string, unknown>;
}

function describeValidation(context: string | undefined, issues: ValidationIssue[]) {
  return issues.map((v) => {
    let p = `${context ?? 'body'}${(v.instancePath ?? '').replace(/\//g, '.')}`;
    let message = v.message ?? 'is invalid';
    if (v.params && typeof v.params.additionalProperty === 'string') {
      p = `${p}.${v.params.additionalProperty}`;
      message = 'is not a known field';
    }
    if (v.params && typeof v.params.missingProperty === 'string') {
      p = `${p}.${v.params.missingProperty}`;
      message = 'is required';
    }
    return { path: p, message };
  });
}

export function registerErrorHandling(app: FastifyInstance, report: FailureReporter): void {
  const answer = (err: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const { statusCode, error } = report(err, `${request.method} ${request.routeOptions.url ?? 'unknown'}`);
    if (error.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.retryAfterSeconds));
    return reply.status(statusCode).send({ error });
  };
  app.setErrorHandler(
    (err: FastifyError & { validation?: ValidationIssue[]; validationContext?: string }, request, reply) => {
      if (err instanceof AppError || storageProblemOf(err)) return answer(err, request, reply);
      if (err.validation) {
        const details = describeValidation(err.validationContext, err.validation);
        return reply.status(400).send({
          error: {
            code: 'VALIDATION_FAILED',
            message: `The request is not valid: ${details.map((d) => `${d.path} ${d.message}`).join('; ')}`,
            details,
          },
        });
      }
      const status = err.statusCode ?? 500;
      if (status === 413) {
        return reply.status(413).send({ error: { code: 'BODY_TOO_LARGE', message: 'The request body is too large.' } });
      }
      if (status === 415) {
        return reply
          .status(415)
          .send({ error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'This content type is not accepted here.' } });
      }
      if (status === 429) {
        return reply.status(429).send({
          error: { code: 'RATE_LIMITED', message: err.message || 'Too many requests: wait a moment and try again.' },
        });
      }
      if (status >= 400 && status < 500) {
        // Fastify's own client errors (malformed JSON, empty body with JSON type, bad URL encoding…).
        const code = err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 'UNSUPPORTED_MEDIA_TYPE' : 'BAD_REQUEST';
        return reply.status(status).send({ error: { code, message: err.message } });
      }
      return answer(err, request, reply);
    },
  );

  app.setNotFoundHandler((request, reply) => {
    reply
      .status(404)
      .send({ error: { code: 'NOT_FOUND', message: `No such route: ${request.method} ${request.url.split('?')[0]}` } });
  });
}

/**
 * Errors Fastify answers before any route or hook runs (a URL that does not decode), in the same
 * shape as every other error: passed to Fastify as `frameworkErrors`.
 */
export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const status = error.statusCode ?? 400;
  reply
    .status(status)
    .send({ error: { code: status === 400 ? 'BAD_REQUEST' : 'INTERNAL', message: 'The request URL is not valid.' } });
}

/**
 * Requests Node's HTTP parser refuses (malformed, headers too large): there is no request or
 * reply yet, so the answer is written to the socket, still in the one shape. Passed to Fastify
 * as `clientErrorHandler`.
 */
export function clientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
  const body = JSON.stringify({
    error: tooLarge
      ? { code: 'HEADERS_TOO_LARGE', message: 'The request headers are too large.' }
      : { code: 'BAD_REQUEST', message: 'The request is not valid HTTP.' },
  });
  const status = tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request';
  socket.end(
    `HTTP/1.1 ${status}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
