/**
 * Reading a CSV file as a Japanese office exports it from Excel: Shift_JIS (Windows-31J) or UTF-8
 * with a BOM (or UTF-16 "Unicode text", tab-separated), a header row in Japanese, cells with
 * full-width digits and hyphens. Gives the header and the records with their line numbers.
 */
import { type CsvError, parse } from 'csv-parse';
import { badRequest } from '../../lib/errors';

export type CsvEncoding = 'utf-8' | 'shift_jis';

export interface CsvTable {
  encoding: CsvEncoding;
  header: string[];
  /** Records after the header, each with the file line it starts on (the header is line 1). */
  records: { line: number; cells: string[] }[];
}

const invalid = (message: string) => badRequest('IMPORT_FILE_INVALID', message);

/** The text of the file: a BOM says the encoding; otherwise UTF-8 if it is valid UTF-8, else Shift_JIS. */
export function decodeCsv(bytes: Uint8Array): { text: string; encoding: CsvEncoding } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
    return { text: new TextDecoder('utf-8').decode(bytes.subarray(3)), encoding: 'utf-8' };
  if (bytes[0] === 0xff && bytes[1] === 0xfe)
    return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'utf-8' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    // Excel's "CSV" on a Japanese Windows: the WHATWG Shift_JIS decoder is Windows-31J (NEC/IBM extensions too).
    return { text: new TextDecoder('shift_jis').decode(bytes), encoding: 'shift_jis' };
  }
}

type InfoRecord = { record: string[]; info: { lines: number } };

function parseRecords(text: string): Promise<InfoRecord[]> {
  return new Promise((resolve, reject) => {
    parse(
      text,
      {
        delimiter: [',', '\t'],
        relax_column_count: true,
        skip_empty_lines: true,
        trim: true,
        info: true,
      },
      // With `info: true` each record comes as { record, info } (the library's types do not say so).
      (err: CsvError | undefined, records: unknown[]) => (err ? reject(err) : resolve(records as InfoRecord[])),
    );
  });
}

export async function readCsv(bytes: Uint8Array, maxRecords: number): Promise<CsvTable> {
  if (bytes.length === 0) throw invalid('The file is empty. Choose the CSV file saved from the spreadsheet.');
  if (bytes.subarray(0, 4096).includes(0) && !(bytes[0] === 0xff && bytes[1] === 0xfe))
    throw invalid('This is not a text file. Save the spreadsheet as CSV (comma separated) and try again.');
  const { text, encoding } = decodeCsv(bytes);
  let parsed: InfoRecord[];
  try {
    parsed = await parseRecords(text);
  } catch (err) {
    const line = (err as { lines?: number }).lines;
    throw invalid(
      `The file could not be read as CSV${line ? ` near line ${line}` : ''} (${(err as Error).message}). Check quotes in that line.`,
    );
  }
  const [head, ...rest] = parsed;
  if (!head) throw invalid('The file has no header row. The first line must name the columns (氏名, 住所, …).');
  if (rest.length > maxRecords)
    throw invalid(`The file has ${rest.length} rows; at most ${maxRecords} can be imported at once. Split the file.`);
  let previousEnd = head.info.lines;
  const records = rest
    .map(({ record, info }) => {
      const line = previousEnd + 1;
      previousEnd = info.lines;
      return { line, cells: record };
    })
    // A row of empty cells (Excel keeps formatted but empty rows) is not a record.
    .filter((r) => r.cells.some((c) => c !== ''));
  return { encoding, header: head.record, records };
}

/** The way people type in Japanese offices, made plain: full-width letters, digits and spaces to half-width, runs of spaces to one. */
export function plain(value: string | undefined): string {
  return (value ?? '').normalize('NFKC').replace(/\s+/g, ' ').trim();
}
