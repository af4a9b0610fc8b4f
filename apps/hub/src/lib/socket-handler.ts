/**
 * Wraps a Socket.IO command handler: checks who may send it, validates the payload against its
 * schema, and always answers through the ack with the protocol's `{ ok, data } | { ok: false, error }`.
 * A bad payload, a missing ack or a throwing handler never crashes the hub.
 */
import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { Ack, ErrorInfo } from '@tsunagu/protocol';
import type { Socket } from 'socket.io';
import { AppError } from './errors';
import { type Access, allows, type Principal } from './principal';

export interface SocketContext {
  socket: Socket;
  principal: Principal;
}

type Logger = { error(obj: unknown, msg?: string): void };
type Counter = { inc(labels: { namespace: string; event: string; outcome: string }): void };

export interface HandlerOptions<S extends TSchema> {
  schema: S;
  access: Access;
  logger?: Logger;
  metrics?: Counter;
}

const compiled = new WeakMap<TSchema, ReturnType<typeof TypeCompiler.Compile>>();
function checker(schema: TSchema) {
  let c = compiled.get(schema);
  if (!c) {
    c = TypeCompiler.Compile(schema);
    compiled.set(schema, c);
  }
  return c;
}

/** Validates `value` against `schema`; returns the error info when it does not match. */
export function validatePayload(schema: TSchema, value: unknown): ErrorInfo | null {
  const c = checker(schema);
  if (c.Check(value)) return null;
  const details = [...c.Errors(value)]
    .slice(0, 10)
    .map((e) => ({ path: `payload${e.path.replace(/\//g, '.')}`, message: e.message }));
  return {
    code: 'VALIDATION_FAILED',
    message: `The message is not valid: ${details.map((d) => `${d.path} ${d.message}`).join('; ')}`,
    details,
  };
}

export function toErrorInfo(err: unknown, logger?: Logger): ErrorInfo {
  if (err instanceof AppError)
    return { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) };
  logger?.error({ err }, 'socket handler failed');
  return { code: 'INTERNAL', message: 'Something went wrong on the hub. It has been logged.' };
}

/**
 * Registers `event` on `socket`. Socket.IO passes the payload first and the ack last; a client that
 * sends no ack still gets validated and handled, it just hears nothing back.
 */
export function onCommand<S extends TSchema, R>(
  ctx: SocketContext,
  event: string,
  options: HandlerOptions<S>,
  handler: (payload: import('@sinclair/typebox').Static<S>, ctx: SocketContext) => R | Promise<R>,
): void {
  const ns = ctx.socket.nsp.name;
  ctx.socket.on(event, async (...args: unknown[]) => {
    const last = args[args.length - 1];
    const ack = typeof last === 'function' ? (last as (r: Ack<R>) => void) : null;
    const payload = ack ? args[0] : args[0];
    const reply = (r: Ack<R>) => {
      options.metrics?.inc({ namespace: ns, event, outcome: r.ok ? 'ok' : r.error.code });
      if (ack) ack(r);
    };
    if (!allows(options.access, ctx.principal)) {
      return reply({ ok: false, error: { code: 'FORBIDDEN', message: 'You are not allowed to do this.' } });
    }
    const invalid = validatePayload(options.schema, payload);
    if (invalid) return reply({ ok: false, error: invalid });
    try {
      const data = await handler(payload as import('@sinclair/typebox').Static<S>, ctx);
      reply({ ok: true, data });
    } catch (err) {
      reply({ ok: false, error: toErrorInfo(err, options.logger) });
    }
  });
}
