/** Decoding a CAP body in its declared encoding, and refusing DTDs before anything is parsed. */
import { TextDecoder } from 'node:util';
import { CapError } from './model';

/** Decodes the body per its BOM or XML declaration (Shift_JIS and EUC-JP are common in Japan). */
export function decodeXmlBody(buf: Buffer): string {
  let label = 'utf-8';
  let start = 0;
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) start = 3;
  else if (buf[0] === 0xff && buf[1] === 0xfe) label = 'utf-16le';
  else if (buf[0] === 0xfe && buf[1] === 0xff) label = 'utf-16be';
  else if (buf[0] === 0x3c && buf[1] === 0x00) label = 'utf-16le';
  else if (buf[0] === 0x00 && buf[1] === 0x3c) label = 'utf-16be';
  else {
    // The declaration is ASCII in every encoding we accept, so reading it as latin1 is safe.
    const head = buf.subarray(0, 300).toString('latin1');
    const m = /^\s*<\?xml[^>]*?\bencoding\s*=\s*(["'])([A-Za-z][A-Za-z0-9._-]{0,39})\1/.exec(head);
    if (m) label = m[2]!;
  }
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(label, { fatal: true });
  } catch {
    throw new CapError(
      400,
      'CAP_ENCODING_UNSUPPORTED',
      `The declared encoding "${label}" is not supported. Use UTF-8, Shift_JIS or EUC-JP.`,
      [{ path: 'xml.encoding', message: `unknown encoding "${label}"` }],
    );
  }
  try {
    return decoder.decode(buf.subarray(start)).replace(/^\uFEFF/, '');
  } catch {
    throw new CapError(
      400,
      'CAP_ENCODING_INVALID',
      `The body is not valid ${label}. Check the encoding in the XML declaration.`,
      [{ path: 'xml.encoding', message: `bytes are not valid ${label}` }],
    );
  }
}

/** DTDs and entity declarations are refused before any parsing: never resolved, never expanded. */
export function refuseDtd(raw: Buffer, text: string): void {
  const rawText = raw.toString('latin1');
  if (/<!DOCTYPE/i.test(text) || /<!ENTITY/i.test(text) || /<!DOCTYPE/i.test(rawText) || /<!ENTITY/i.test(rawText)) {
    throw new CapError(400, 'CAP_DTD_FORBIDDEN', 'A DOCTYPE or ENTITY declaration is not allowed in a CAP message.', [
      { path: 'xml', message: 'DOCTYPE/ENTITY declarations are forbidden' },
    ]);
  }
}
