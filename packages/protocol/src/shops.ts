import { type Static, Type } from '@sinclair/typebox';
import { Id, Name } from './common';

/** A queue terminals can call: a shop, or the listening line (kind `listening`). */
export const ShopKind = Type.Union([Type.Literal('shop'), Type.Literal('listening')]);
export type ShopKind = Static<typeof ShopKind>;

/** Opening hours per weekday (0 = Sunday), local time "HH:MM"; a missing day is closed. */
export const OpeningHours = Type.Array(
  Type.Object(
    {
      day: Type.Integer({ minimum: 0, maximum: 6 }),
      open: Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' }),
      close: Type.String({ pattern: '^([01][0-9]|2[0-4]):[0-5][0-9]$' }),
    },
    { additionalProperties: false },
  ),
  { maxItems: 21 },
);
export type OpeningHours = Static<typeof OpeningHours>;

export const Shop = Type.Object({
  id: Id,
  name: Name,
  category: Type.String(),
  kind: ShopKind,
  openingHours: OpeningHours,
});
export type Shop = Static<typeof Shop>;
export const ShopList = Type.Object({ shops: Type.Array(Shop) });

export const CatalogueItem = Type.Object({
  id: Id,
  shopId: Id,
  name: Name,
  priceYen: Type.Integer({ minimum: 0 }),
  unit: Type.String(),
  photoUrl: Type.Union([Type.String(), Type.Null()]),
});
export type CatalogueItem = Static<typeof CatalogueItem>;
