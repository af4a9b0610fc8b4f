/**
 * Fragments the protocol's rows and lists share: field sets spread into a row's `Type.Object`, and
 * small factories for the shapes many schemas have (list answers, a list's `limit`, counts).
 */
import { type TArray, type TObject, type TSchema, Type } from '@sinclair/typebox';
import { Id } from './common';

/** A whole number from 0: counts, sizes, durations, prices. */
export const NonNegativeInt = Type.Integer({ minimum: 0 });

/** A list's optional `limit` in the query string: how many rows at most it answers (the hub's default when absent). */
export function PageLimit(max: number) {
  return Type.Optional(Type.Integer({ minimum: 1, maximum: max }));
}

/** A list answer: the rows under one key, as `listOf('households', Household)` is `{ households: Household[] }`. */
export function listOf<K extends string, T extends TSchema>(key: K, item: T): TObject<{ [P in K]: TArray<T> }> {
  return Type.Object({ [key]: Type.Array(item) } as { [P in K]: TArray<T> });
}

/** The household a row is about, with its name to show: spread into the row's `Type.Object`. */
export const householdRef = { householdId: Id, householdName: Type.String() };
/** The shop (or listening line) a row is about, with its name to show. */
export const shopRef = { shopId: Id, shopName: Type.String() };
