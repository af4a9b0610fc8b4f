import { type Static, type TLiteral, type TUnion, Type } from '@sinclair/typebox';

/** A closed set of string values: `literals('a', 'b')` is `Type.Union([Type.Literal('a'), Type.Literal('b')])`. */
export function literals<const T extends readonly [string, ...string[]]>(
  ...values: T
): TUnion<{ -readonly [K in keyof T]: TLiteral<T[K]> }> {
  return Type.Union(values.map((v) => Type.Literal(v))) as TUnion<{ -readonly [K in keyof T]: TLiteral<T[K]> }>;
}

export const Id = Type.Integer({ minimum: 1, maximum: 2 ** 52 });
export const IdParams = Type.Object({ id: Id }, { additionalProperties: false });
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
export const EmptyPayload = Type.Object({}, { additionalProperties: false });
export type EmptyPayload = Static<typeof EmptyPayload>;
export const ServerTime = Type.Object({ serverTime: Timestamp });
export type ServerTime = Static<typeof ServerTime>;
/** A response that is not JSON (CSV, XML, audio, images): documented by its route's `produces`. */
export const Binary = Type.Unsafe<unknown>(Type.String({ description: 'Not JSON: see the content type' }));
