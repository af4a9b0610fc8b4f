/**
 * Reading one JMA XML document safely: the CAP gateway's guards (declared encoding, no DTD or
 * ENTITY declaration, checked before any parsing), then fast-xml-parser with a nesting limit, and
 * small accessors over the parsed tree. Namespace prefixes are dropped: JMA puts Head and Body in
 * default namespaces and a few elements under `jmx_eb:`.
 */
import type { ErrorDetail } from '@tsunagu/protocol';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { AppError } from '../../lib/errors';
import { decodeXmlBody, refuseDtd } from '../announcements/cap/decode';
import { CapError } from '../announcements/cap/model';

/** JMA documents nest about ten levels; anything far deeper is hostile. */
export const MAX_XML_DEPTH = 40;
/** The largest 震源・震度に関する情報 for a great earthquake is well under this. */
export const MAX_XML_BYTES = 2 * 1024 * 1024;

/** A document the gateway refuses: a 4xx with a stable code and the problems named. */
export class JmaError extends AppError {
  constructor(statusCode: number, code: string, message: string, details: ErrorDetail[] = []) {
    super(statusCode, code, message, details);
    this.name = 'JmaError';
  }
}

export type XmlNode = { [name: string]: XmlValue[] | string | undefined };
type XmlValue = XmlNode | string;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  // Only the five predefined entities and character references; nothing is declared (DTDs are refused).
  processEntities: true,
  htmlEntities: false,
  maxNestedTags: MAX_XML_DEPTH,
  // Every element is a list, so a repeated element never changes the shape of the tree.
  isArray: (_name, _jpath, _leaf, isAttribute) => !isAttribute,
});

/** Decodes, screens and parses a document. Throws JmaError (4xx) naming the problem. */
export function readXml(raw: Buffer, maxBytes = MAX_XML_BYTES): { doc: XmlNode; text: string } {
  if (raw.length > maxBytes) {
    throw new JmaError(413, 'BODY_TOO_LARGE', `The document is too large: at most ${maxBytes} bytes.`);
  }
  let text: string;
  try {
    text = decodeXmlBody(raw);
    refuseDtd(raw, text);
  } catch (err) {
    // Same rules as the CAP gateway, named for this gateway.
    if (err instanceof CapError)
      throw new JmaError(
        err.statusCode,
        err.code.replace(/^CAP_/, 'JMA_'),
        err.message.replace('CAP', 'JMA XML'),
        err.details,
      );
    throw err;
  }
  let doc: XmlNode;
  try {
    doc = parser.parse(text) as XmlNode;
  } catch (err) {
    const message = (err as Error).message;
    if (/nested tags/i.test(message)) {
      throw new JmaError(400, 'JMA_TOO_DEEP', `Elements are nested more than ${MAX_XML_DEPTH} levels deep.`, [
        { path: 'xml', message: `at most ${MAX_XML_DEPTH} levels of nesting` },
      ]);
    }
    throw new JmaError(400, 'JMA_NOT_XML', `The body could not be read as XML: ${message}`, [{ path: 'xml', message }]);
  }
  // The parser tolerates some malformed input; the validator (linear, no recursion) does not.
  const wellFormed = XMLValidator.validate(text);
  if (wellFormed !== true) {
    const e = wellFormed.err;
    throw new JmaError(400, 'JMA_NOT_XML', `The body is not well-formed XML: ${e.msg}`, [
      { path: `line ${e.line}, column ${e.col}`, message: e.msg },
    ]);
  }
  return { doc, text };
}

/** The child elements called `name`. */
export function children(node: XmlNode | undefined, name: string): XmlNode[] {
  const v = node?.[name];
  if (!Array.isArray(v)) return [];
  return v.map((c) => (typeof c === 'string' ? { '#text': c } : c));
}

export const child = (node: XmlNode | undefined, name: string): XmlNode | undefined => children(node, name)[0];

/** Text content of a node (empty when it has none). */
export function textOf(node: XmlNode | undefined): string {
  const t = node?.['#text'];
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) return t.filter((x): x is string => typeof x === 'string').join('');
  return '';
}

/** Text of the first child `name`, following a path of names. */
export function text(node: XmlNode | undefined, ...path: string[]): string {
  let n = node;
  for (const name of path) n = child(n, name);
  return textOf(n).trim();
}

export function attr(node: XmlNode | undefined, name: string): string {
  const v = node?.[`@_${name}`];
  return typeof v === 'string' ? v : '';
}
