import { type Static, Type } from '@sinclair/typebox';
import { Closed, Id, Language, Name, Nullable } from './common';
import { listOf } from './fragments';
import { terminalPresence } from './terminals';

export const District = Type.Object({ id: Id, code: Type.String(), name: Type.String(), nameEn: Type.String() });
export type District = Static<typeof District>;
export const DistrictList = listOf('districts', District);

export const Phone = Type.String({ minLength: 3, maxLength: 32, pattern: '^[0-9+()\\- ]+$' });
const Address = Type.String({ minLength: 1, maxLength: 300 });
const Notes = Type.String({ maxLength: 2000 });
/** The reading of the name (ふりがな), as the welfare section's lists have it: for sorting and phoning. */
const Kana = Type.String({ maxLength: 120 });
/** Why the household needs assistance in a disaster (要援護者): e.g. 車いす, 一人暮らし, 透析. */
const AssistanceReason = Type.String({ maxLength: 300 });

export const Resident = Type.Object({ id: Id, name: Name, birthYear: Nullable(Type.Integer()) });
export type Resident = Static<typeof Resident>;

export const Household = Type.Object({
  id: Id,
  name: Name,
  kana: Type.String(),
  address: Type.String(),
  districtId: Id,
  phone: Nullable(Type.String()),
  language: Language,
  needsAssistance: Type.Boolean(),
  assistanceReason: Type.String(),
  notes: Type.String(),
  /** When city hall closed the household (moved away, passed away); null while it is served. */
  closedAt: Nullable(Type.String()),
  closeReason: Type.String(),
  residents: Type.Array(Resident),
  watcherIds: Type.Array(Id),
  terminal: Nullable(Type.Object({ id: Id, ...terminalPresence })),
});
export type Household = Static<typeof Household>;
export const HouseholdList = listOf('households', Household);
export type HouseholdList = Static<typeof HouseholdList>;

export const ResidentInput = Closed({
  name: Name,
  birthYear: Type.Optional(Type.Integer({ minimum: 1900, maximum: 2100 })),
});
export const ResidentUpdate = Closed({
  id: Type.Optional(Id),
  name: Name,
  birthYear: Type.Optional(Nullable(Type.Integer({ minimum: 1900, maximum: 2100 }))),
});
export const CreateHouseholdBody = Closed({
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
});
export type CreateHouseholdBody = Static<typeof CreateHouseholdBody>;
export const UpdateHouseholdBody = Closed(
  {
    name: Type.Optional(Name),
    kana: Type.Optional(Kana),
    address: Type.Optional(Address),
    districtId: Type.Optional(Id),
    phone: Type.Optional(Nullable(Phone)),
    language: Type.Optional(Language),
    needsAssistance: Type.Optional(Type.Boolean()),
    assistanceReason: Type.Optional(AssistanceReason),
    notes: Type.Optional(Notes),
    /** The residents as they are now: listed ones with an id are kept (renamed), others added, the rest removed. */
    residents: Type.Optional(Type.Array(ResidentUpdate, { maxItems: 20 })),
  },
  { minProperties: 1 },
);
export type UpdateHouseholdBody = Static<typeof UpdateHouseholdBody>;
export const AssignWatcherBody = Closed({ userId: Id, level: Type.Optional(Type.Integer({ minimum: 1, maximum: 3 })) });
export type AssignWatcherBody = Static<typeof AssignWatcherBody>;
export const HouseholdListQuery = Closed({
  districtId: Type.Optional(Type.Integer({ minimum: 1 })),
  /** Closed households are left out unless asked for. */
  includeClosed: Type.Optional(Type.Boolean()),
});
export type HouseholdListQuery = Static<typeof HouseholdListQuery>;
export const WatcherParams = Closed({ id: Type.Integer({ minimum: 1 }), userId: Type.Integer({ minimum: 1 }) });
export type WatcherParams = Static<typeof WatcherParams>;

export const CloseHouseholdBody = Closed({ reason: Type.String({ minLength: 1, maxLength: 300 }) });
export type CloseHouseholdBody = Static<typeof CloseHouseholdBody>;
