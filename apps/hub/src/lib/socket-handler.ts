/**
 * Wraps a Socket.IO command handler: checks who may send it, validates the payload against the
 * schema the protocol's event table gives for that event, and always answers through the ack with
 * the protocol's `{ ok, data } | { ok: false, error }`. A bad payload, a missing ack or a throwing
 * handler never crashes the hub.
 */
import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type {
  Ack,
  CommandDataOf,
  CommandName,
  CommandPayloadOf,
  ErrorInfo,
  NamespaceName,
  NamespaceWire,
  WireEvents,
} from '@tsunagu/protocol';
import type { Socket } from 'socket.io';
import { AppError, errorInfo } from './errors';
import { type Access, allows, type Principal } from './principal';
import type { RateRule, TokenBuckets } from './rate-limit';

/** What the hub keeps on every socket (set by the namespace's authentication middleware). */
export interface SocketData {
  principal: Principal;
  /** The client's address, for the audit log. */
  address: string | null;
}

/** A server-side socket of a namespace, typed with that namespace's events from the protocol table. */
export type WireSocket<N extends NamespaceName> = Socket<
  WireEvents[N]['client'],
  WireEvents[N]['server'],
  Record<string, never>,
  SocketData
>;

export interface SocketContext<N extends NamespaceName> {
  socket: WireSocket<N>;
  principal: Principal;
}

/** A command of namespace `N`, by name. */
export type CommandOf<N extends NamespaceName> = CommandName<WireEvents[N]['wire']>;

/** What a command's handler returns: the ack data the table declares for it. */
export type CommandHandler<N extends NamespaceName, E extends CommandOf<N>> = (
  payload: CommandPayloadOf<WireEvents[N]['wire'], E>,
  ctx: SocketContext<N>,
) => CommandDataOf<WireEvents[N]['wire'], E> | Promise<CommandDataOf<WireEvents[N]['wire'], E>>;

type Logger = { error(obj: unknown, msg?: string): void };
type Counter = { inc(labels: { namespace: string; event: string; outcome: string }): void };

export interface HandlerOptions {
  access: Access;
  logger?: Logger;
  /**
   * Turns a handler's failure into the ack's error and logs it (storage problems become
   * STORAGE_UNAVAILABLE; repeats are summarised). Without it: AppErrors as they are, others INTERNAL.
   */
  failure?: (err: unknown, operation: string) => { error: ErrorInfo };
  metrics?: Counter;
  /** Shared buckets (per hub); with them every command is limited per sender by DEFAULT_COMMAND_RATE. */
  limiter?: TokenBuckets;
  /** A tighter limit for this command, per sender (e.g. call requests). */
  rateLimit?: RateRule;
  /**
   * Re-checked before every command: false when the sender's session has ended since the socket
   * connected (signed out, disabled, expired); the command is refused and the socket closed.
   */
  live?: (p: Principal) => boolean | Promise<boolean>;
}

/** Every command, per terminal or user: far above what a real terminal or console sends (a terminal back after days offline may send a few hundred receipts at once). */
export const DEFAULT_COMMAND_RATE: RateRule = { burst: 300, perSecond: 100 };

function senderKey(p: Principal): string {
  if (p.kind === 'terminal') return `terminal:${p.terminalId}`;
  if (p.kind === 'user') return `user:${p.user.id}`;
  return `apikey:${p.apiKeyId}`;
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
  if (err instanceof AppError) return errorInfo(err);
  logger?.error({ err }, 'socket handler failed');
  return { code: 'INTERNAL', message: 'Something went wrong on the hub. It has been logged.' };
}

/** A command as the hub runs it: its payload schema, its options and its handler. */
export interface CommandEntry {
  event: string;
  schema: TSchema;
  options: HandlerOptions;
  // biome-ignore lint/suspicious/noExplicitAny: entries of every command of a namespace share one map
  handler: (payload: any, ctx: SocketContext<any>) => unknown;
}

/** The entry for `event` of table `wire` (its payload schema from the table). */
export function commandEntry<N extends NamespaceName, E extends CommandOf<N>>(
  wire: WireEvents[N]['wire'],
  event: E,
  options: HandlerOptions,
  handler: CommandHandler<N, E>,
): CommandEntry {
  const table: NamespaceWire = wire;
  return { event, schema: table.commands[event]!.payload, options, handler };
}

/**
 * Runs one command sent on a socket: `args` as Socket.IO delivers them (the payload first, the ack
 * last). A client that sends no ack still gets validated and handled, it just hears nothing back.
 */
export async function runCommand(entry: CommandEntry, ctx: SocketContext<NamespaceName>, args: unknown[]) {
  const { event, options } = entry;
  const last = args[args.length - 1];
  const ack = typeof last === 'function' ? (last as (r: Ack<unknown>) => void) : null;
  const payload = args[0];
  const reply = (r: Ack<unknown>) => {
    options.metrics?.inc({ namespace: ctx.socket.nsp.name, event, outcome: r.ok ? 'ok' : r.error.code });
    if (ack) ack(r);
  };
  // A cached answer is a boolean: only a session the hub has to look up waits for the database.
  const alive = options.live ? options.live(ctx.principal) : true;
  if (!(typeof alive === 'boolean' ? alive : await alive)) {
    reply({
      ok: false,
      error: { code: 'UNAUTHENTICATED', message: 'Your session has ended. Please sign in again.' },
    });
    ctx.socket.disconnect(true);
    return;
  }
  if (!allows(options.access, ctx.principal)) {
    return reply({ ok: false, error: { code: 'FORBIDDEN', message: 'You are not allowed to do this.' } });
  }
  // A compromised or broken client must not be able to flood the hub (or the call queue).
  if (options.limiter) {
    const key = senderKey(ctx.principal);
    const limited = (rule: RateRule, k: string) =>
      !options.limiter!.take(k, rule) && options.limiter!.retryAfterSeconds(k, rule);
    const wait =
      limited(DEFAULT_COMMAND_RATE, key) || (options.rateLimit ? limited(options.rateLimit, `${key} ${event}`) : 0);
    if (wait) {
      return reply({
        ok: false,
        error: { code: 'RATE_LIMITED', message: `Too many requests. Wait ${wait} seconds and try again.` },
      });
    }
  }
  const invalid = validatePayload(entry.schema, payload);
  if (invalid) return reply({ ok: false, error: invalid });
  try {
    const data = await entry.handler(payload, ctx);
    reply({ ok: true, data });
  } catch (err) {
    reply({
      ok: false,
      error: options.failure ? options.failure(err, event).error : toErrorInfo(err, options.logger),
    });
  }
}
