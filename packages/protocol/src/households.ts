import { type Static, Type } from '@sinclair/typebox';
import { Id, Language, Name } from './common';

export const District = Type.Object({ id: Id, code: Type.String(), name: Type.String(), nameEn: Type.String() });
export type District = Static<typeof District>;
export const DistrictList = Type.Object({ districts: Type.Array(District) });

export const Phone = Type.String({ minLength: 3, maxLength: 32, pattern: '^[0-9+()\\- ]+$' });
const Address = Type.String({ minLength: 1, maxLength: 300 });
const Notes = Type.String({ maxLength: 2000 });
/** The reading of the name (ふりがな), as the welfare section's lists have it: for sorting and phoning. */
const Kana = Type.String({ maxLength: 120 });
/** Why the household needs assistance in a disaster (要援護者): e.g. 車いす, 一人暮らし, 透析. */
const AssistanceReason = Type.String({ maxLength: 300 });

export const Resident = Type.Object({ id: Id, name: Name, birthYear: Type.Union([Type.Integer(), Type.Null()]) });
export type Resident = Static<typeof Resident>;

export const Household = Type.Object({
  id: Id,
  name: Name,
  kana: Type.String(),
  address: Type.String(),
  districtId: Id,
  phone: Type.Union([Type.String(), Type.Null()]),
  language: Language,
  needsAssistance: Type.Boolean(),
  assistanceReason: Type.String(),
  notes: Type.String(),
  /** When city hall closed the household (moved away, passed away); null while it is served. */
  closedAt: Type.Union([Type.String(), Type.Null()]),
  closeReason: Type.String(),
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
export const ResidentUpdate = Type.Object(
  {
    id: Type.Optional(Id),
    name: Name,
    birthYear: Type.Optional(Type.Union([Type.Integer({ minimum: 1900, maximum: 2100 }), Type.Null()])),
  },
  { additionalProperties: false },
);
export const CreateHouseholdBody = Type.Object(
  {
    name: Name,
    kana: Type.Optional(Kana),
    address: Address,
    districtId: Id,
    phone: Type.Optional(Phone),
    language: Type.Optional(Language),
    needsAssistance: Type.Optional(Type.Boolean()),
    assistanceReason: Type.Optional(AssistanceReason),
    notes: Type.Optional(Notes),
    residents: Type.Optional(Type.Array(ResidentInput, { maxItems: 20 })),
  },
  { additionalProperties: false },
);
export type CreateHouseholdBody = Static<typeof CreateHouseholdBody>;
export const UpdateHouseholdBody = Type.Object(
  {
    name: Type.Optional(Name),
    kana: Type.Optional(Kana),
    address: Type.Optional(Address),
    districtId: Type.Optional(Id),
    phone: Type.Optional(Type.Union([Phone, Type.Null()])),
    language: Type.Optional(Language),
    needsAssistance: Type.Optional(Type.Boolean()),
    assistanceReason: Type.Optional(AssistanceReason),
    notes: Type.Optional(Notes),
    /** The residents as they are now: listed ones with an id are kept (renamed), others added, the rest removed. */
    residents: Type.Optional(Type.Array(ResidentUpdate, { maxItems: 20 })),
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
  {
    districtId: Type.Optional(Type.Integer({ minimum: 1 })),
    /** Closed households are left out unless asked for. */
    includeClosed: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type HouseholdListQuery = Static<typeof HouseholdListQuery>;
export const WatcherParams = Type.Object(
  { id: Type.Integer({ minimum: 1 }), userId: Type.Integer({ minimum: 1 }) },
  { additionalProperties: false },
);
export type WatcherParams = Static<typeof WatcherParams>;

export const CloseHouseholdBody = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 300 }) },
  { additionalProperties: false },
);
export type CloseHouseholdBody = Static<typeof CloseHouseholdBody>;
