/**
 * Bulk import of households from the list a city already keeps (the welfare section's
 * 要援護者名簿, exported from Excel as CSV in Shift_JIS or UTF-8 with a BOM): a dry run lists every
 * row's problems before anything is stored, then the import stores the rows that have none.
 */
import { type Static, Type } from '@sinclair/typebox';
import { Id, literals, Nullable } from './common';

/** Content types the import takes (Excel saves CSV as text/csv; some browsers send the Excel type). */
export const CSV_CONTENT_TYPES = ['text/csv', 'application/vnd.ms-excel'] as const;
/** More rows than a city's list would have; a bigger file is split. */
export const MAX_IMPORT_ROWS = 5000;
export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;

/** The household fields a column can fill. */
export const ImportField = literals(
  'name',
  'kana',
  'address',
  'phone',
  'district',
  'needsAssistance',
  'assistanceReason',
  'notes',
);
export type ImportField = Static<typeof ImportField>;

/** What is wrong with a row (the console says it in words; `message` is for API users). */
export const ImportProblemCode = literals(
  'missing',
  'too_long',
  'unknown_district',
  'bad_phone',
  'bad_flag',
  'duplicate_in_file',
  'already_registered',
);
export type ImportProblemCode = Static<typeof ImportProblemCode>;

export const ImportProblem = Type.Object({
  field: Nullable(ImportField),
  code: ImportProblemCode,
  /** The value as it was in the file (trimmed), when it helps to see it. */
  value: Nullable(Type.String()),
  /** For `duplicate_in_file`: the earlier line; `already_registered`: the household's id. */
  other: Nullable(Type.Integer()),
  message: Type.String(),
});
export type ImportProblem = Static<typeof ImportProblem>;

export const ImportRowAction = literals('create', 'skip', 'error');
export type ImportRowAction = Static<typeof ImportRowAction>;

export const ImportRow = Type.Object({
  /** The line of the file (the header is line 1), as a spreadsheet numbers it. */
  line: Type.Integer({ minimum: 2 }),
  name: Type.String(),
  kana: Type.String(),
  address: Type.String(),
  phone: Nullable(Type.String()),
  districtId: Nullable(Id),
  districtName: Type.String(),
  needsAssistance: Type.Boolean(),
  assistanceReason: Type.String(),
  notes: Type.String(),
  /** create: stored by the import; skip: already registered; error: has a problem, not stored. */
  action: ImportRowAction,
  problems: Type.Array(ImportProblem),
  /** After the import: the household created from this row. */
  householdId: Nullable(Id),
});
export type ImportRow = Static<typeof ImportRow>;

export const HouseholdImport = Type.Object({
  /** True for the dry run: nothing was stored. */
  dryRun: Type.Boolean(),
  encoding: literals('utf-8', 'shift_jis'),
  /** Which column of the file fills which field. */
  columns: Type.Array(Type.Object({ header: Type.String(), field: ImportField })),
  /** Columns the import does not use (shown so a clerk sees nothing was silently lost). */
  ignoredColumns: Type.Array(Type.String()),
  rows: Type.Array(ImportRow),
  counts: Type.Object({ create: Type.Integer(), skip: Type.Integer(), error: Type.Integer() }),
});
export type HouseholdImport = Static<typeof HouseholdImport>;
