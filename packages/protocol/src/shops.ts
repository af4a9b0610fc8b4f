import { type Static, Type } from '@sinclair/typebox';
import { Closed, Id, literals, Name, Nullable } from './common';
import { listOf, NonNegativeInt } from './fragments';

/** A queue terminals can call: a shop, or the listening line (kind `listening`). */
export const ShopKind = literals('shop', 'listening');
export type ShopKind = Static<typeof ShopKind>;

/** Opening hours per weekday (0 = Sunday), local time "HH:MM"; a missing day is closed. */
export const OpeningHours = Type.Array(
  Closed({
    day: Type.Integer({ minimum: 0, maximum: 6 }),
    open: Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' }),
    close: Type.String({ pattern: '^([01][0-9]|2[0-4]):[0-5][0-9]$' }),
  }),
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
export const ShopList = listOf('shops', Shop);

export const CatalogueItem = Type.Object({
  id: Id,
  shopId: Id,
  name: Name,
  priceYen: NonNegativeInt,
  unit: Type.String(),
  photoUrl: Nullable(Type.String()),
});
export type CatalogueItem = Static<typeof CatalogueItem>;

export const CreateShopBody = Closed({
  name: Name,
  category: Type.String({ minLength: 1, maxLength: 60 }),
  kind: ShopKind,
  openingHours: OpeningHours,
});
export type CreateShopBody = Static<typeof CreateShopBody>;
export const UpdateShopBody = Closed({
  name: Type.Optional(Name),
  category: Type.Optional(Type.String({ minLength: 1, maxLength: 60 })),
  openingHours: Type.Optional(OpeningHours),
});
export type UpdateShopBody = Static<typeof UpdateShopBody>;

/** A photo given by URL must be http(s) or a path on the hub; uploads go to POST …/items/:itemId/photo. */
export const PhotoUrl = Type.String({ maxLength: 2000, pattern: '^(https?://|/)' });
export const CreateItemBody = Closed({
  name: Name,
  priceYen: Type.Integer({ minimum: 0, maximum: 1_000_000 }),
  unit: Type.String({ minLength: 1, maxLength: 20 }),
  photoUrl: Type.Optional(Nullable(PhotoUrl)),
});
export type CreateItemBody = Static<typeof CreateItemBody>;
export const UpdateItemBody = Closed({
  name: Type.Optional(Name),
  priceYen: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
  unit: Type.Optional(Type.String({ minLength: 1, maxLength: 20 })),
  photoUrl: Type.Optional(Nullable(PhotoUrl)),
});
export type UpdateItemBody = Static<typeof UpdateItemBody>;
export const Catalogue = Type.Object({ shop: Shop, items: Type.Array(CatalogueItem) });
export type Catalogue = Static<typeof Catalogue>;
export const ShopItemParams = Closed({ id: Id, itemId: Id });
export type ShopItemParams = Static<typeof ShopItemParams>;
