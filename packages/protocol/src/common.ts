import {
  type ObjectOptions,
  type Static,
  type TLiteral,
  type TNull,
  type TObject,
  type TProperties,
  type TSchema,
  type TUnion,
  Type,
} from '@sinclair/typebox';

/** A closed set of string values: `literals('a', 'b')` is `Type.Union([Type.Literal('a'), Type.Literal('b')])`. */
export function literals<const T extends readonly [string, ...string[]]>(
  ...values: T
): TUnion<{ -readonly [K in keyof T]: TLiteral<T[K]> }> {
  return Type.Union(values.map((v) => Type.Literal(v))) as TUnion<{ -readonly [K in keyof T]: TLiteral<T[K]> }>;
}

/** `Nullable(X)`: an X or null (a field that is always sent, null when there is nothing). */
export function Nullable<T extends TSchema>(schema: T): TUnion<[T, TNull]> {
  return Type.Union([schema, Type.Null()]);
}

/** An object that takes no field beyond those it names: request bodies, query strings, command payloads. */
export function Closed<T extends TProperties>(properties: T, options?: ObjectOptions): TObject<T> {
  return Type.Object(properties, { additionalProperties: false, ...options });
}

export const Id = Type.Integer({ minimum: 1, maximum: 2 ** 52 });
export const IdParams = Closed({ id: Id });
export type IdParams = Static<typeof IdParams>;

/** A short single-line name a person typed. */
export const Name = Type.String({ minLength: 1, maxLength: 120 });
export const Language = literals('ja', 'en');
export type Language = Static<typeof Language>;

/** ISO 8601 timestamp with offset, as the hub sends it. */
export const Timestamp = Type.String({ format: 'date-time', maxLength: 40 });

export const OkResponse = Type.Object({ ok: Type.Literal(true) });
export type OkResponse = Static<typeof OkResponse>;

/** The payload of a command that takes nothing. */
export const EmptyPayload = Closed({});
export type EmptyPayload = Static<typeof EmptyPayload>;
export const ServerTime = Type.Object({ serverTime: Timestamp });
export type ServerTime = Static<typeof ServerTime>;
/** A response that is not JSON (CSV, XML, audio, images): documented by its route's `produces`. */
export const Binary = Type.Unsafe<unknown>(Type.String({ description: 'Not JSON: see the content type' }));
