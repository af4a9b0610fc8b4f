import { type Static, Type } from '@sinclair/typebox';
import { Id, Language, Name } from './common';

export const District = Type.Object({ id: Id, code: Type.String(), name: Type.String(), nameEn: Type.String() });
export type District = Static<typeof District>;
export const DistrictList = Type.Object({ districts: Type.Array(District) });

export const Phone = Type.String({ minLength: 3, maxLength: 32, pattern: '^[0-9+()\\- ]+$' });
const Address = Type.String({ minLength: 1, maxLength: 300 });
const Notes = Type.String({ maxLength: 2000 });

export const Resident = Type.Object({ id: Id, name: Name, birthYear: Type.Union([Type.Integer(), Type.Null()]) });
export type Resident = Static<typeof Resident>;

export const Household = Type.Object({
  id: Id,
  name: Name,
  address: Type.String(),
  districtId: Id,
  phone: Type.Union([Type.String(), Type.Null()]),
  language: Language,
  needsAssistance: Type.Boolean(),
  notes: Type.String(),
  residents: Type.Array(Resident),
  watcherIds: Type.Array(Id),
  terminal: Type.Union([
    Type.Object({
      id: Id,
      online: Type.Boolean(),
      lastSeenAt: Type.Union([Type.String(), Type.Null()]),
      revoked: Type.Boolean(),
    }),
    Type.Null(),
  ]),
});
export type Household = Static<typeof Household>;
export const HouseholdList = Type.Object({ households: Type.Array(Household) });
export type HouseholdList = Static<typeof HouseholdList>;

export const ResidentInput = Type.Object(
  { name: Name, birthYear: Type.Optional(Type.Integer({ minimum: 1900, maximum: 2100 })) },
  { additionalProperties: false },
);
export const CreateHouseholdBody = Type.Object(
  {
    name: Name,
    address: Address,
    districtId: Id,
    phone: Type.Optional(Phone),
    language: Type.Optional(Language),
    needsAssistance: Type.Optional(Type.Boolean()),
    notes: Type.Optional(Notes),
    residents: Type.Optional(Type.Array(ResidentInput, { maxItems: 20 })),
  },
  { additionalProperties: false },
);
export type CreateHouseholdBody = Static<typeof CreateHouseholdBody>;
export const UpdateHouseholdBody = Type.Object(
  {
    name: Type.Optional(Name),
    address: Type.Optional(Address),
    districtId: Type.Optional(Id),
    phone: Type.Optional(Type.Union([Phone, Type.Null()])),
    language: Type.Optional(Language),
    needsAssistance: Type.Optional(Type.Boolean()),
    notes: Type.Optional(Notes),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateHouseholdBody = Static<typeof UpdateHouseholdBody>;
export const AssignWatcherBody = Type.Object(
  { userId: Id, level: Type.Optional(Type.Integer({ minimum: 1, maximum: 3 })) },
  { additionalProperties: false },
);
export type AssignWatcherBody = Static<typeof AssignWatcherBody>;
export const HouseholdListQuery = Type.Object(
  { districtId: Type.Optional(Type.Integer({ minimum: 1 })) },
  { additionalProperties: false },
);
export type HouseholdListQuery = Static<typeof HouseholdListQuery>;
export const WatcherParams = Type.Object(
  { id: Type.Integer({ minimum: 1 }), userId: Type.Integer({ minimum: 1 }) },
  { additionalProperties: false },
);
export type WatcherParams = Static<typeof WatcherParams>;
