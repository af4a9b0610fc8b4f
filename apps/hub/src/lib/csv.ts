/** CSV for spreadsheets: cells that cannot run as formulas, and files Excel opens as UTF-8. */
import type { FastifyReply } from 'fastify';
import { download } from './route';

/** Spreadsheet formula injection: a cell starting with = + - @ (or tab/CR) is made inert. */
export function csvCell(value: string | number | boolean | null): string {
  let s = value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A whole CSV document: a BOM (so spreadsheet programs read the Japanese as UTF-8), CRLF lines. */
export function csvDocument(rows: readonly (readonly (string | number | boolean | null)[])[]): string {
  return `\uFEFF${rows.map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

/** Answers with a CSV document to save as `filename`. */
export function sendCsv(reply: FastifyReply, filename: string, rows: Parameters<typeof csvDocument>[0]) {
  return download(reply, 'text/csv; charset=utf-8', filename, csvDocument(rows));
}
