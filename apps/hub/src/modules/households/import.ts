/**
 * Bulk import of households from a city's own list (the welfare section's 要援護者名簿): the
 * header is matched to fields by the names offices use, every row is checked and given its
 * problems, and only then (not in a dry run) the rows without problems are stored in one
 * transaction. Each row becomes one household with one resident, named as in the list.
 */
import type {
  CreateHouseholdBody,
  District,
  Household,
  HouseholdImport,
  ImportField,
  ImportProblem,
  ImportRow,
} from '@tsunagu/protocol';
import { MAX_IMPORT_ROWS } from '@tsunagu/protocol';
import { badRequest } from '../../lib/errors';
import { plain, readCsv } from './csv-read';

/** Column names by field, as they appear in offices' lists (compared after NFKC, without spaces, lower case). */
const HEADERS: Record<ImportField, readonly string[]> = {
  name: ['氏名', '名前', '世帯名', '世帯主', '世帯主氏名', '対象者氏名', 'name'],
  kana: [
    'ふりがな',
    'フリガナ',
    'かな',
    'カナ',
    'よみがな',
    'ヨミガナ',
    '氏名カナ',
    '氏名(ふりがな)',
    '氏名(フリガナ)',
    'kana',
  ],
  address: ['住所', '所在地', '現住所', 'address'],
  phone: ['電話番号', '電話', '連絡先', '連絡先電話番号', 'tel', 'phone'],
  district: ['地区', '地区名', '町内会', '自治会', '行政区', 'district'],
  needsAssistance: [
    '要援護者',
    '要援護',
    '要配慮者',
    '要配慮',
    '避難行動要支援者',
    '要支援',
    'needsassistance',
    'needs_assistance',
  ],
  assistanceReason: ['理由', '援護理由', '要援護理由', '支援理由', '配慮事項', '支援が必要な理由', 'reason'],
  notes: ['備考', 'メモ', '特記事項', 'notes'],
};
const headerKey = (h: string) => plain(h).replace(/\s/g, '').toLowerCase();

const YES = new Set(['はい', '〇', '○', '◯', '●', '1', '有', 'あり', '要', '該当', 'yes', 'y', 'true', '✓', '✔']);
const NO = new Set(['', 'いいえ', '×', 'x', '0', '無', 'なし', '否', '非該当', '不要', 'no', 'n', 'false', '-']);
const LIMITS: Partial<Record<ImportField, number>> = {
  name: 120,
  kana: 120,
  address: 300,
  assistanceReason: 300,
  notes: 2000,
};
/** The hub's phone pattern (protocol Phone), after dashes of every width are made "-". */
const PHONE = /^[0-9+()\- ]{3,32}$/;

/** Same person in the same place, however it was typed. */
const sameKey = (name: string, address: string) => `${name.replace(/\s/g, '')}|${address.replace(/\s/g, '')}`;

export interface ImportContext {
  districts: readonly District[];
  /** Open households, to skip rows already registered. */
  existing: readonly Pick<Household, 'id' | 'name' | 'address'>[];
}

export interface PlannedImport {
  result: HouseholdImport;
  /** The households to create, by row (rows with action `create`). */
  toCreate: { row: ImportRow; body: CreateHouseholdBody }[];
}

function districtMatcher(districts: readonly District[]) {
  const byKey = new Map<string, District>();
  for (const d of districts) {
    for (const k of [d.name, d.code, d.nameEn]) byKey.set(headerKey(k), d);
  }
  return (value: string): District | undefined => {
    const k = headerKey(value);
    return byKey.get(k) ?? byKey.get(k.replace(/(地区|町内会|自治会)$/, ''));
  };
}

/** Reads and checks the file; nothing is stored. */
export async function planImport(bytes: Uint8Array, ctx: ImportContext): Promise<PlannedImport> {
  const table = await readCsv(bytes, MAX_IMPORT_ROWS);
  const columns: HouseholdImport['columns'] = [];
  const ignoredColumns: string[] = [];
  const index = new Map<ImportField, number>();
  table.header.forEach((header, i) => {
    const key = headerKey(header);
    const field = (Object.keys(HEADERS) as ImportField[]).find((f) => HEADERS[f].some((h) => headerKey(h) === key));
    if (field && !index.has(field)) {
      index.set(field, i);
      columns.push({ header, field });
    } else if (header !== '') ignoredColumns.push(header);
  });
  const missing = (['name', 'address', 'district'] as const).filter((f) => !index.has(f));
  if (missing.length > 0) {
    throw badRequest(
      'IMPORT_FILE_INVALID',
      `The header row has no column for ${missing.join(', ')}. Name the columns 氏名, 住所 and 地区 (ふりがな, 電話番号, 要援護者 are optional).`,
      missing.map((f) => ({ path: `header.${f}`, message: `expected one of ${HEADERS[f].join(', ')}` })),
    );
  }

  const findDistrict = districtMatcher(ctx.districts);
  const existing = new Map(ctx.existing.map((h) => [sameKey(plain(h.name), plain(h.address)), h.id]));
  const seen = new Map<string, number>();
  const rows: ImportRow[] = [];
  const toCreate: PlannedImport['toCreate'] = [];

  for (const record of table.records) {
    const cell = (f: ImportField) => {
      const i = index.get(f);
      // The apostrophe our export puts before = + - @ (so no spreadsheet runs it) is not part of the value.
      return i === undefined ? '' : plain(record.cells[i]).replace(/^'(?=[=+\-@])/, '');
    };
    const problems: ImportProblem[] = [];
    const problem = (
      field: ImportField | null,
      code: ImportProblem['code'],
      message: string,
      value: string | null = null,
      other: number | null = null,
    ) => problems.push({ field, code, value, other, message });

    const values = {} as Record<ImportField, string>;
    for (const f of Object.keys(HEADERS) as ImportField[]) {
      values[f] = cell(f);
      const limit = LIMITS[f];
      if (limit !== undefined && [...values[f]].length > limit)
        problem(f, 'too_long', `${f} is longer than ${limit} characters.`, values[f].slice(0, 40));
    }
    for (const f of ['name', 'address', 'district'] as const)
      if (values[f] === '') problem(f, 'missing', `${f} is empty.`);

    const district = values.district === '' ? undefined : findDistrict(values.district);
    if (values.district !== '' && !district)
      problem(
        'district',
        'unknown_district',
        `No district is called "${values.district}". Use one of: ${ctx.districts.map((d) => d.name).join(', ')}.`,
        values.district,
      );

    const phoneText = values.phone.replace(/[‐‑‒–—―−ー－]/g, '-');
    const phone = phoneText === '' ? null : phoneText;
    if (phone !== null && !PHONE.test(phone))
      problem('phone', 'bad_phone', 'The phone number may only have digits, +, (, ), - and spaces.', values.phone);

    const flag = values.needsAssistance.toLowerCase();
    const needsAssistance = YES.has(flag);
    if (!YES.has(flag) && !NO.has(flag))
      problem('needsAssistance', 'bad_flag', 'Write はい or いいえ (or ○ / 空欄).', values.needsAssistance);

    const key = sameKey(values.name, values.address);
    if (values.name !== '' && values.address !== '') {
      const earlier = seen.get(key);
      if (earlier !== undefined)
        problem(null, 'duplicate_in_file', `The same person and address are on line ${earlier}.`, null, earlier);
      else seen.set(key, record.line);
    }
    const registered = existing.get(key);
    const hasError = problems.length > 0;
    if (!hasError && registered !== undefined)
      problem(null, 'already_registered', `Already registered as household ${registered}.`, null, registered);

    const row: ImportRow = {
      line: record.line,
      name: values.name,
      kana: values.kana,
      address: values.address,
      phone,
      districtId: district?.id ?? null,
      districtName: district?.name ?? values.district,
      needsAssistance,
      assistanceReason: values.assistanceReason,
      notes: values.notes,
      action: hasError ? 'error' : registered !== undefined ? 'skip' : 'create',
      problems,
      householdId: null,
    };
    rows.push(row);
    if (row.action === 'create' && district) {
      toCreate.push({
        row,
        body: {
          name: row.name,
          kana: row.kana,
          address: row.address,
          districtId: district.id,
          ...(phone !== null ? { phone } : {}),
          needsAssistance,
          assistanceReason: row.assistanceReason,
          notes: row.notes,
          residents: [{ name: row.name }],
        },
      });
    }
  }

  const count = (a: ImportRow['action']) => rows.filter((r) => r.action === a).length;
  return {
    result: {
      dryRun: true,
      encoding: table.encoding,
      columns,
      ignoredColumns,
      rows,
      counts: { create: count('create'), skip: count('skip'), error: count('error') },
    },
    toCreate,
  };
}
