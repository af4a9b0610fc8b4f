/**
 * The building blocks of the two contract tables (events.ts for Socket.IO, api.ts for REST): a
 * schema per message with an example that must validate, and the TypeScript types derived from
 * them, so the hub, the terminal and the console all compile against the same table.
 */
import type { Static, TSchema } from '@sinclair/typebox';
import { IdParams } from './common';
import { type AckCallback, ErrorResponse } from './errors';

// ---- Socket.IO -----------------------------------------------------------------------------

/** A command (`area:verb`): client → hub, answered through the ack with `data`. */
export interface CommandSpec<P extends TSchema = TSchema, D extends TSchema = TSchema> {
  readonly payload: P;
  readonly data: D;
  readonly example: { readonly payload: Static<P>; readonly data: Static<D> };
}

/** A notification: hub → client. `payload: null` for an event without arguments. */
export interface NotificationSpec<P extends TSchema | null = TSchema | null> {
  readonly payload: P;
  readonly example: P extends TSchema ? Static<P> : null;
}

export function command<P extends TSchema, D extends TSchema>(
  payload: P,
  data: D,
  example: { payload: Static<P>; data: Static<D> },
): CommandSpec<P, D> {
  return { payload, data, example };
}

export function notification<P extends TSchema>(payload: P, example: Static<P>): NotificationSpec<P> {
  return { payload, example } as NotificationSpec<P>;
}

/** A notification that carries nothing (e.g. `terminal:revoked`). */
export const bare: NotificationSpec<null> = { payload: null, example: null };

/** One namespace's events. */
export interface NamespaceWire {
  readonly commands: Readonly<Record<string, CommandSpec>>;
  readonly notifications: Readonly<Record<string, NotificationSpec>>;
}

/** Client → hub events of a namespace, in Socket.IO's typed-events form. */
export type ClientEventsOf<W extends NamespaceWire> = {
  [E in keyof W['commands']]: (
    payload: Static<W['commands'][E]['payload']>,
    ack: AckCallback<Static<W['commands'][E]['data']>>,
  ) => void;
};

/** Hub → client events of a namespace, in Socket.IO's typed-events form. */
export type ServerEventsOf<W extends NamespaceWire> = {
  [E in keyof W['notifications']]: W['notifications'][E]['payload'] extends TSchema
    ? (payload: Static<W['notifications'][E]['payload']>) => void
    : () => void;
};

export type CommandName<W extends NamespaceWire> = keyof W['commands'] & string;
export type CommandPayloadOf<W extends NamespaceWire, E extends CommandName<W>> = Static<W['commands'][E]['payload']>;
export type CommandDataOf<W extends NamespaceWire, E extends CommandName<W>> = Static<W['commands'][E]['data']>;

// ---- REST ----------------------------------------------------------------------------------

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Status → schema. `4xx` is the hub's error body (every route has it). */
export type ResponseSchemas = { readonly [status: number]: TSchema; readonly '4xx': TSchema };

type StaticOrNever<S> = S extends TSchema ? Static<S> : never;

/** Examples of a route: one per part it takes and per status it answers (errors excepted). */
export type RouteExamples<P, Q, B, R> = (P extends TSchema ? { readonly params: Static<P> } : unknown) &
  (Q extends TSchema ? { readonly querystring: Static<Q> } : unknown) &
  (B extends TSchema ? { readonly body: Static<B> } : unknown) & {
    readonly response: { readonly [K in Exclude<keyof R, '4xx'>]: StaticOrNever<R[K]> };
  };

/** One REST route: what it takes and what it answers. */
export interface RouteSpec<
  P extends TSchema | undefined = TSchema | undefined,
  Q extends TSchema | undefined = TSchema | undefined,
  B extends TSchema | undefined = TSchema | undefined,
  R extends ResponseSchemas = ResponseSchemas,
  C extends readonly string[] | undefined = readonly string[] | undefined,
  O extends string | undefined = string | undefined,
> {
  readonly params: P;
  readonly querystring: Q;
  readonly body: B;
  readonly response: R;
  /** Request bodies other than JSON (uploads, CAP XML). The body schema is then absent. */
  readonly consumes: C;
  /** Set when the answer is not JSON (CSV, audio, XML, images): the console links to it. */
  readonly produces: O;
  readonly description?: string;
  readonly examples: RouteExamples<P, Q, B, R>;
}

type WithErrors<R> = R & { readonly '4xx': typeof ErrorResponse };

/** A schema and the example the table shows for it: every part of a route is declared with one. */
export interface Sample<S extends TSchema = TSchema> {
  readonly schema: S;
  readonly example: Static<S>;
}

/** `sample(Household, ex.household)`: the schema of a route's part and an example that must validate. */
export function sample<S extends TSchema>(schema: S, example: NoInfer<Static<S>>): Sample<S> {
  return { schema, example };
}

type SchemaOf<S> = S extends Sample<infer T> ? T : undefined;
type Answers = { readonly [status: number]: Sample };
type SchemasOf<R extends Answers> = { [K in keyof R]: SchemaOf<R[K]> };

/** What a route of the table declares: the parts it takes and what it answers, each with its example. */
type RouteDeclaration<P, Q, B, R, C, O> = {
  params?: P;
  querystring?: Q;
  body?: B;
  response: R;
  consumes?: C;
  produces?: O;
  description?: string;
};

function mapValues<T, U>(record: Record<string, T>, f: (value: T) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, f(v)]));
}

/** Declares a route of the table; every route answers errors with the hub's `{ error }` body. */
export function route<
  R extends Answers,
  P extends Sample | undefined = undefined,
  Q extends Sample | undefined = undefined,
  B extends Sample | undefined = undefined,
  C extends readonly string[] | undefined = undefined,
  O extends string | undefined = undefined,
>(
  spec: RouteDeclaration<P, Q, B, R, C, O>,
): RouteSpec<SchemaOf<P>, SchemaOf<Q>, SchemaOf<B>, WithErrors<SchemasOf<R>>, C, O> {
  const { params, querystring, body, response, ...rest } = spec;
  const parts = { params, querystring, body };
  const examples = Object.fromEntries(Object.entries(parts).flatMap(([k, part]) => (part ? [[k, part.example]] : [])));
  return {
    ...rest,
    params: params?.schema,
    querystring: querystring?.schema,
    body: body?.schema,
    consumes: spec.consumes,
    produces: spec.produces,
    response: { ...mapValues(response, (r) => r.schema), '4xx': ErrorResponse },
    examples: { ...examples, response: mapValues(response, (r) => r.example) },
  } as RouteSpec<SchemaOf<P>, SchemaOf<Q>, SchemaOf<B>, WithErrors<SchemasOf<R>>, C, O>;
}

/** `METHOD /api/path/:param`, the table's key for a route. */
export type RouteKey = `${HttpMethod} /api/${string}`;

/** Splits a table key into the method and the URL pattern Fastify takes. */
export function splitRouteKey(key: RouteKey): { method: HttpMethod; url: string } {
  const space = key.indexOf(' ');
  return { method: key.slice(0, space) as HttpMethod, url: key.slice(space + 1) };
}

/** A route on the one record `:id` names, as most of the table's are: `id` is the id its examples use. */
export function onRecord<
  R extends Answers,
  Q extends Sample | undefined = undefined,
  B extends Sample | undefined = undefined,
  C extends readonly string[] | undefined = undefined,
  O extends string | undefined = undefined,
>(id: number, spec: Omit<RouteDeclaration<undefined, Q, B, R, C, O>, 'params'>) {
  return route<R, Sample<typeof IdParams>, Q, B, C, O>({ ...spec, params: sample(IdParams, { id }) });
}
