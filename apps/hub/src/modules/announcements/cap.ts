/**
 * Common Alerting Protocol (OASIS CAP 1.2, and 1.1): decoding a body in its declared encoding,
 * refusing DTDs, parsing, validating against the spec's required elements and enumerations,
 * mapping an alert to an announcement, and writing an announcement back as CAP 1.2 XML.
 * Pure functions: no database, no clock.
 */

import { TextDecoder } from 'node:util';
import type { AnnouncementKind, ErrorDetail } from '@tsunagu/protocol';
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';

export const CAP_NAMESPACES: Record<string, '1.2' | '1.1'> = {
  'urn:oasis:names:tc:emergency:cap:1.2': '1.2',
  'urn:oasis:names:tc:emergency:cap:1.1': '1.1',
};
export const CAP_12_NAMESPACE = 'urn:oasis:names:tc:emergency:cap:1.2';

export const STATUS = ['Actual', 'Exercise', 'System', 'Test', 'Draft'] as const;
export const MSG_TYPE = ['Alert', 'Update', 'Cancel', 'Ack', 'Error'] as const;
export const SCOPE = ['Public', 'Restricted', 'Private'] as const;
export const CATEGORY = [
  'Geo',
  'Met',
  'Safety',
  'Security',
  'Rescue',
  'Fire',
  'Health',
  'Env',
  'Transport',
  'Infra',
  'CBRNE',
  'Other',
] as const;
export const RESPONSE_TYPE = [
  'Shelter',
  'Evacuate',
  'Prepare',
  'Execute',
  'Avoid',
  'Monitor',
  'Assess',
  'AllClear',
  'None',
] as const;
export const URGENCY = ['Immediate', 'Expected', 'Future', 'Past', 'Unknown'] as const;
export const SEVERITY = ['Extreme', 'Severe', 'Moderate', 'Minor', 'Unknown'] as const;
const CERTAINTY_12 = ['Observed', 'Likely', 'Possible', 'Unlikely', 'Unknown'] as const;
// CAP 1.1 also allowed "Very Likely" (deprecated).
const CERTAINTY_11 = [...CERTAINTY_12, 'Very Likely'] as const;

/** A refusal with its HTTP status, stable code and the list of problems. */
export class CapError extends Error {
  constructor(
    public readonly statusCode: number,
    public readonly code: string,
    message: string,
    public readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'CapError';
  }
}

export interface CapValue {
  valueName: string;
  value: string;
}
export interface CapArea {
  areaDesc: string;
  polygons: string[];
  circles: string[];
  geocodes: CapValue[];
}
export interface CapInfo {
  language: string;
  categories: string[];
  event: string;
  responseTypes: string[];
  urgency: string;
  severity: string;
  certainty: string;
  effective?: string;
  onset?: string;
  expires?: string;
  senderName?: string;
  headline?: string;
  description?: string;
  instruction?: string;
  areas: CapArea[];
}
export interface CapReference {
  sender: string;
  identifier: string;
  sent: string;
}
export interface CapAlert {
  version: '1.2' | '1.1';
  identifier: string;
  sender: string;
  sent: string;
  status: string;
  msgType: string;
  scope: string;
  note?: string;
  references: CapReference[];
  infos: CapInfo[];
}

// ---------------------------------------------------------------------------------------------
// Decoding

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

// ---------------------------------------------------------------------------------------------
// Parsing and validation

const REPEATED = new Set([
  'info',
  'area',
  'polygon',
  'circle',
  'geocode',
  'parameter',
  'eventCode',
  'resource',
  'category',
  'responseType',
  'code',
]);
const localName = (name: string) => name.replace(/^[^:]+:/, '');

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  htmlEntities: true,
  isArray: (name, _jpath, _leaf, isAttribute) => !isAttribute && REPEATED.has(localName(name)),
});

type Node = Record<string, unknown>;

/** Drops namespace prefixes from element names (CAP may arrive as `cap:alert` or plain `alert`). */
function stripPrefixes(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripPrefixes);
  if (v === null || typeof v !== 'object') return v;
  const out: Node = {};
  for (const [k, child] of Object.entries(v as Node)) {
    const key = k.startsWith('@_') || k === '#text' ? k : localName(k);
    const value = stripPrefixes(child);
    if (key in out) {
      const prev = out[key];
      out[key] = [...(Array.isArray(prev) ? prev : [prev]), ...(Array.isArray(value) ? value : [value])];
    } else out[key] = value;
  }
  return out;
}

const KNOWN = {
  alert: [
    'identifier',
    'sender',
    'sent',
    'status',
    'msgType',
    'source',
    'scope',
    'restriction',
    'addresses',
    'code',
    'note',
    'references',
    'incidents',
    'info',
    'Signature',
    'EncryptedData',
  ],
  info: [
    'language',
    'category',
    'event',
    'responseType',
    'urgency',
    'severity',
    'certainty',
    'audience',
    'eventCode',
    'effective',
    'onset',
    'expires',
    'senderName',
    'headline',
    'description',
    'instruction',
    'web',
    'contact',
    'parameter',
    'resource',
    'area',
  ],
  area: ['areaDesc', 'polygon', 'circle', 'geocode', 'altitude', 'ceiling'],
  resource: ['resourceDesc', 'mimeType', 'size', 'uri', 'derefUri', 'digest'],
  value: ['valueName', 'value'],
};

class Checker {
  details: ErrorDetail[] = [];
  constructor(readonly version: '1.2' | '1.1') {}

  problem(path: string, message: string) {
    this.details.push({ path, message });
  }

  /** The text of a simple element, or undefined when absent. */
  text(
    node: Node,
    name: string,
    path: string,
    opts: { required?: boolean; nonEmpty?: boolean; allowed?: readonly string[] } = {},
  ): string | undefined {
    const v = node[name];
    if (v === undefined) {
      if (opts.required) this.problem(`${path}.${name}`, 'is required but missing');
      return undefined;
    }
    if (Array.isArray(v)) {
      this.problem(`${path}.${name}`, 'must appear only once');
      return undefined;
    }
    const t =
      typeof v === 'string'
        ? v
        : v !== null && typeof v === 'object' && '#text' in (v as Node)
          ? String((v as Node)['#text'])
          : null;
    if (t === null) {
      if (v !== null && typeof v === 'object' && Object.keys(v as Node).every((k) => k.startsWith('@_'))) {
        if (opts.required || opts.nonEmpty) this.problem(`${path}.${name}`, 'must not be empty');
        return '';
      }
      this.problem(`${path}.${name}`, 'must be text, not nested elements');
      return undefined;
    }
    if ((opts.required || opts.nonEmpty) && t.trim() === '')
      this.problem(`${path}.${name}`, `must not be empty${opts.allowed ? `: one of ${opts.allowed.join(', ')}` : ''}`);
    return t;
  }

  list(node: Node, name: string): unknown[] {
    const v = node[name];
    return v === undefined ? [] : Array.isArray(v) ? v : [v];
  }

  texts(node: Node, name: string, path: string): string[] {
    return this.list(node, name).map((v, i) => {
      if (typeof v === 'string') return v;
      if (v !== null && typeof v === 'object' && '#text' in (v as Node)) return String((v as Node)['#text']);
      if (v !== null && typeof v === 'object' && Object.keys(v as Node).length === 0) return '';
      this.problem(`${path}.${name}[${i}]`, 'must be text, not nested elements');
      return '';
    });
  }

  oneOf(value: string | undefined, allowed: readonly string[], path: string) {
    // An empty required element has already been reported by text().
    if (value === undefined || value === '') return;
    if (!allowed.includes(value)) this.problem(path, `"${value}" is not one of ${allowed.join(', ')}`);
  }

  dateTime(value: string | undefined, path: string) {
    if (value === undefined || value === '') {
      if (value === '') this.problem(path, 'must not be empty');
      return;
    }
    // CAP 1.2 requires an explicit offset ("Z" is not allowed); 1.1 messages in the wild use "Z" too.
    const zone = this.version === '1.1' ? '([+-]\\d\\d:\\d\\d|Z)' : '([+-]\\d\\d:\\d\\d)';
    if (
      !new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?${zone}$`).test(value) ||
      Number.isNaN(Date.parse(value))
    ) {
      this.problem(path, `"${value}" is not a date and time with a time zone offset, e.g. 2026-04-01T09:30:00+09:00`);
    }
  }

  unknown(node: Node, known: readonly string[], path: string) {
    for (const k of Object.keys(node)) {
      if (k.startsWith('@_') || k === '#text') continue;
      if (!known.includes(k)) this.problem(`${path}.${k}`, 'is not a CAP element here');
    }
  }

  object(v: unknown, path: string): Node | null {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) return v as Node;
    if (v === '') return {};
    this.problem(path, 'must contain elements');
    return null;
  }

  values(node: Node, name: string, path: string): CapValue[] {
    return this.list(node, name).flatMap((v, i) => {
      const n = this.object(v, `${path}.${name}[${i}]`);
      if (!n) return [];
      this.unknown(n, KNOWN.value, `${path}.${name}[${i}]`);
      const valueName = this.text(n, 'valueName', `${path}.${name}[${i}]`, { required: true }) ?? '';
      const value = this.text(n, 'value', `${path}.${name}[${i}]`);
      if (n.value === undefined) this.problem(`${path}.${name}[${i}].value`, 'is required but missing');
      return [{ valueName, value: value ?? '' }];
    });
  }
}

const NO_SPACE_COMMA = /^[^\s,<&]+$/;
/** Real alerts carry one info block per language; a flood of them is an attack, not an alert. */
export const MAX_INFO_BLOCKS = 32;
const MAX_DETAILS = 100;

/** Parses and validates a decoded CAP document. Throws CapError (400) naming every problem. */
export function parseCap(text: string): CapAlert {
  const wellFormed = XMLValidator.validate(text);
  if (wellFormed !== true) {
    const e = wellFormed.err;
    throw new CapError(400, 'CAP_NOT_XML', `The body is not well-formed XML: ${e.msg}`, [
      { path: `line ${e.line}, column ${e.col}`, message: e.msg },
    ]);
  }
  let doc: Node;
  try {
    doc = parser.parse(text) as Node;
  } catch (err) {
    throw new CapError(400, 'CAP_NOT_XML', `The body could not be read as XML: ${(err as Error).message}`, [
      { path: 'xml', message: (err as Error).message },
    ]);
  }
  const rootKey = Object.keys(doc).find((k) => /^(?:[^:]+:)?alert$/.test(k));
  const rootRaw = rootKey ? doc[rootKey] : undefined;
  if (!rootKey || rootRaw === null || typeof rootRaw !== 'object' || Array.isArray(rootRaw)) {
    throw new CapError(400, 'CAP_INVALID', 'This is not a CAP message: the root element must be <alert>.', [
      { path: 'alert', message: 'root element <alert> is missing' },
    ]);
  }
  const prefix = rootKey.includes(':') ? rootKey.split(':')[0]! : null;
  const ns = (rootRaw as Node)[prefix ? `@_xmlns:${prefix}` : '@_xmlns'];
  const version = typeof ns === 'string' ? CAP_NAMESPACES[ns.trim()] : undefined;
  if (!version) {
    throw new CapError(400, 'CAP_INVALID', 'The <alert> element is not in the CAP 1.2 or 1.1 namespace.', [
      {
        path: 'alert',
        message: `namespace "${String(ns ?? '')}" is not urn:oasis:names:tc:emergency:cap:1.2 (or 1.1)`,
      },
    ]);
  }
  const root = stripPrefixes(rootRaw) as Node;
  const c = new Checker(version);
  const p = 'alert';
  c.unknown(root, KNOWN.alert, p);
  const identifier = c.text(root, 'identifier', p, { required: true });
  if (identifier && !NO_SPACE_COMMA.test(identifier))
    c.problem(`${p}.identifier`, 'must not contain spaces, commas, < or &');
  const sender = c.text(root, 'sender', p, { required: true });
  if (sender && !NO_SPACE_COMMA.test(sender)) c.problem(`${p}.sender`, 'must not contain spaces, commas, < or &');
  const sent = c.text(root, 'sent', p, { required: true });
  c.dateTime(sent, `${p}.sent`);
  const status = c.text(root, 'status', p, { required: true, allowed: STATUS });
  c.oneOf(status, STATUS, `${p}.status`);
  const msgType = c.text(root, 'msgType', p, { required: true, allowed: MSG_TYPE });
  c.oneOf(msgType, MSG_TYPE, `${p}.msgType`);
  c.text(root, 'source', p);
  const scope = c.text(root, 'scope', p, { required: true, allowed: SCOPE });
  c.oneOf(scope, SCOPE, `${p}.scope`);
  const restriction = c.text(root, 'restriction', p);
  if (scope === 'Restricted' && !restriction?.trim())
    c.problem(`${p}.restriction`, 'is required when scope is Restricted');
  const addresses = c.text(root, 'addresses', p);
  if (scope === 'Private' && !addresses?.trim()) c.problem(`${p}.addresses`, 'is required when scope is Private');
  c.texts(root, 'code', p);
  const note = c.text(root, 'note', p);
  if (msgType === 'Error' && !note?.trim()) c.problem(`${p}.note`, 'is required when msgType is Error');
  c.text(root, 'incidents', p);

  const references: CapReference[] = [];
  const refText = c.text(root, 'references', p);
  if (refText !== undefined) {
    if (refText.trim() === '')
      c.problem(`${p}.references`, 'must not be empty: list the earlier messages as sender,identifier,sent');
    else {
      refText
        .trim()
        .split(/\s+/)
        .forEach((token, i) => {
          const parts = token.split(',');
          if (parts.length !== 3 || parts.some((x) => x === '')) {
            c.problem(`${p}.references[${i}]`, `"${token}" is not sender,identifier,sent`);
          } else references.push({ sender: parts[0]!, identifier: parts[1]!, sent: parts[2]! });
        });
    }
  } else if (msgType === 'Update' || msgType === 'Cancel' || msgType === 'Ack' || msgType === 'Error') {
    c.problem(`${p}.references`, `is required when msgType is ${msgType}`);
  }

  const rawInfos = c.list(root, 'info');
  if (rawInfos.length > MAX_INFO_BLOCKS) {
    throw new CapError(
      400,
      'CAP_INVALID',
      `A CAP message with ${rawInfos.length} info blocks is not accepted (at most ${MAX_INFO_BLOCKS}).`,
      [{ path: 'alert.info', message: `at most ${MAX_INFO_BLOCKS} info blocks` }],
    );
  }
  const infos: CapInfo[] = rawInfos.flatMap((raw, i) => {
    const ip = `${p}.info[${i}]`;
    const info = c.object(raw, ip);
    if (!info) return [];
    c.unknown(info, KNOWN.info, ip);
    const language = c.text(info, 'language', ip) || 'en-US';
    const categories = c.texts(info, 'category', ip);
    if (categories.length === 0) c.problem(`${ip}.category`, 'is required but missing');
    categories.forEach((cat, j) => {
      if (cat === '') c.problem(`${ip}.category[${j}]`, 'must not be empty');
      else c.oneOf(cat, CATEGORY, `${ip}.category[${j}]`);
    });
    const event = c.text(info, 'event', ip, { required: true }) ?? '';
    const responseTypes = c.texts(info, 'responseType', ip);
    responseTypes.forEach((r, j) => {
      if (r === '') c.problem(`${ip}.responseType[${j}]`, 'must not be empty');
      else c.oneOf(r, RESPONSE_TYPE, `${ip}.responseType[${j}]`);
    });
    const urgency = c.text(info, 'urgency', ip, { required: true, allowed: URGENCY });
    c.oneOf(urgency, URGENCY, `${ip}.urgency`);
    const severity = c.text(info, 'severity', ip, { required: true, allowed: SEVERITY });
    c.oneOf(severity, SEVERITY, `${ip}.severity`);
    const certainty = c.text(info, 'certainty', ip, { required: true, allowed: CERTAINTY_12 });
    c.oneOf(certainty, version === '1.1' ? CERTAINTY_11 : CERTAINTY_12, `${ip}.certainty`);
    c.text(info, 'audience', ip);
    c.values(info, 'eventCode', ip);
    const dates: Record<'effective' | 'onset' | 'expires', string | undefined> = {
      effective: undefined,
      onset: undefined,
      expires: undefined,
    };
    for (const k of ['effective', 'onset', 'expires'] as const) {
      dates[k] = c.text(info, k, ip);
      c.dateTime(dates[k], `${ip}.${k}`);
    }
    const senderName = c.text(info, 'senderName', ip);
    const headline = c.text(info, 'headline', ip);
    const description = c.text(info, 'description', ip);
    const instruction = c.text(info, 'instruction', ip);
    c.text(info, 'web', ip);
    c.text(info, 'contact', ip);
    c.values(info, 'parameter', ip);
    c.list(info, 'resource').forEach((r, j) => {
      const rp = `${ip}.resource[${j}]`;
      const res = c.object(r, rp);
      if (!res) return;
      c.unknown(res, KNOWN.resource, rp);
      c.text(res, 'resourceDesc', rp, { required: true });
      c.text(res, 'mimeType', rp, { required: version === '1.2' });
      const size = c.text(res, 'size', rp);
      if (size !== undefined && !/^\d+$/.test(size)) c.problem(`${rp}.size`, 'must be a whole number of bytes');
    });
    const areas: CapArea[] = c.list(info, 'area').flatMap((a, j) => {
      const ap = `${ip}.area[${j}]`;
      const area = c.object(a, ap);
      if (!area) return [];
      c.unknown(area, KNOWN.area, ap);
      const areaDesc = c.text(area, 'areaDesc', ap, { required: true }) ?? '';
      const polygons = c.texts(area, 'polygon', ap);
      polygons.forEach((poly, k) => {
        if (poly.trim() === '')
          c.problem(`${ap}.polygon[${k}]`, 'must not be empty: at least four points, the first and last the same');
      });
      const circles = c.texts(area, 'circle', ap);
      circles.forEach((circle, k) => {
        if (!/^\s*[-+]?\d+(\.\d+)?,[-+]?\d+(\.\d+)?\s+\d+(\.\d+)?\s*$/.test(circle))
          c.problem(`${ap}.circle[${k}]`, 'must be "latitude,longitude radius-km"');
      });
      const geocodes = c.values(area, 'geocode', ap);
      const altitude = c.text(area, 'altitude', ap);
      const ceiling = c.text(area, 'ceiling', ap);
      if (ceiling !== undefined && altitude === undefined)
        c.problem(`${ap}.ceiling`, 'may only be used together with altitude');
      return [{ areaDesc, polygons, circles, geocodes }];
    });
    return [
      {
        language,
        categories,
        event,
        responseTypes,
        urgency: urgency ?? '',
        severity: severity ?? '',
        certainty: certainty ?? '',
        ...(dates.effective ? { effective: dates.effective } : {}),
        ...(dates.onset ? { onset: dates.onset } : {}),
        ...(dates.expires ? { expires: dates.expires } : {}),
        ...(senderName ? { senderName } : {}),
        ...(headline ? { headline } : {}),
        ...(description ? { description } : {}),
        ...(instruction ? { instruction } : {}),
        areas,
      },
    ];
  });

  if (c.details.length > 0) {
    const named = c.details.map((d) => `${d.path} ${d.message}`);
    // Every problem is named, up to a limit that keeps the answer readable.
    if (c.details.length > MAX_DETAILS) {
      c.details = [
        ...c.details.slice(0, MAX_DETAILS),
        { path: 'alert', message: `and ${c.details.length - MAX_DETAILS} more problems` },
      ];
    }
    throw new CapError(
      400,
      'CAP_INVALID',
      `This is not valid CAP ${version}: ${named.slice(0, 5).join('; ')}${named.length > 5 ? ` (and ${named.length - 5} more)` : ''}`,
      c.details,
    );
  }
  return {
    version,
    identifier: identifier!,
    sender: sender!,
    sent: sent!,
    status: status!,
    msgType: msgType!,
    scope: scope!,
    ...(note ? { note } : {}),
    references,
    infos,
  };
}

// ---------------------------------------------------------------------------------------------
// Mapping to an announcement

const rank: Record<AnnouncementKind, number> = { routine: 0, important: 1, emergency: 2 };

/** Urgency × severity × certainty → how loudly the terminal speaks. */
export function kindOfInfo(info: Pick<CapInfo, 'urgency' | 'severity' | 'certainty'>): AnnouncementKind {
  const soon = info.urgency === 'Immediate' || info.urgency === 'Expected';
  const grave = info.severity === 'Extreme' || info.severity === 'Severe';
  const sure = info.certainty === 'Observed' || info.certainty === 'Likely' || info.certainty === 'Very Likely';
  if (soon && grave && sure) return 'emergency';
  if (info.urgency !== 'Past' && (grave || info.severity === 'Moderate' || info.urgency === 'Immediate'))
    return 'important';
  return 'routine';
}

export interface CapAnnouncement {
  kind: AnnouncementKind;
  test: boolean;
  titleJa: string;
  bodyJa: string;
  titleEn: string | null;
  bodyEn: string | null;
  expiresAt: number | null;
  safetyCheck: boolean;
  category: string | null;
  areas: CapArea[];
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const titleOf = (i: CapInfo) => clip((i.headline ?? i.event).trim() || i.event, 200);
const bodyOf = (i: CapInfo) =>
  clip(
    [i.description, i.instruction]
      .filter((x) => x?.trim())
      .join('\n\n')
      .trim() || i.event,
    4000,
  );

/** The announcement an alert makes (caller has already decided there is something to announce). */
export function capToAnnouncement(alert: CapAlert): CapAnnouncement {
  const infos = alert.infos;
  const ja = infos.find((i) => /^ja\b/i.test(i.language)) ?? infos[0]!;
  const en = infos.find((i) => /^en\b/i.test(i.language) && i !== ja) ?? null;
  let kind: AnnouncementKind = 'routine';
  for (const i of infos) if (rank[kindOfInfo(i)] > rank[kind]) kind = kindOfInfo(i);
  const test = alert.status === 'Test' || alert.status === 'Exercise';
  // A drill keeps its kind: an emergency drill takes over terminals marked and spoken as 訓練, as
  // J-ALERT's nationwide tests do (the terminal says 「これは訓練です」 first).
  const expiries = infos.map((i) => (i.expires ? Date.parse(i.expires) : null));
  const expiresAt = expiries.some((e) => e === null) ? null : Math.max(...(expiries as number[]));
  const safetyCheck =
    kind === 'emergency' && infos.some((i) => i.responseTypes.some((r) => r === 'Evacuate' || r === 'Shelter'));
  return {
    kind,
    test,
    titleJa: titleOf(ja),
    bodyJa: bodyOf(ja),
    titleEn: en ? titleOf(en) : null,
    bodyEn: en ? bodyOf(en) : null,
    expiresAt,
    safetyCheck,
    category: ja.categories[0] ?? null,
    areas: infos.flatMap((i) => i.areas),
  };
}

type Point = { lat: number; lon: number };

/** `lat,lon lat,lon …` (WGS 84); null when it is not a ring of at least four points. */
export function parsePolygon(text: string): Point[] | null {
  const points = text
    .trim()
    .split(/\s+/)
    .map((pair) => pair.replace(/,+$/, '').split(','))
    .map(([lat, lon]) => ({ lat: Number(lat), lon: Number(lon) }));
  if (points.length < 4 || points.some((p) => !Number.isFinite(p.lat) || !Number.isFinite(p.lon))) return null;
  return points;
}

/** `lat,lon radius-km`; null when malformed. */
export function parseCircle(text: string): (Point & { radiusKm: number }) | null {
  const m = /^\s*([-+]?\d+(?:\.\d+)?),([-+]?\d+(?:\.\d+)?)\s+(\d+(?:\.\d+)?)\s*$/.exec(text);
  return m ? { lat: Number(m[1]), lon: Number(m[2]), radiusKm: Number(m[3]) } : null;
}

/** Ray casting; fine at the scale of a city (the polygon's edges are short). */
export function insidePolygon(p: Point, polygon: Point[]): boolean {
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const a = polygon[i]!;
    const b = polygon[j]!;
    if (a.lat > p.lat !== b.lat > p.lat && p.lon < ((b.lon - a.lon) * (p.lat - a.lat)) / (b.lat - a.lat) + a.lon)
      inside = !inside;
  }
  return inside;
}

/** Great-circle distance (haversine). */
export function distanceKm(a: Point, b: Point): number {
  const rad = Math.PI / 180;
  const h =
    Math.sin(((b.lat - a.lat) * rad) / 2) ** 2 +
    Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(((b.lon - a.lon) * rad) / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * Districts an alert's areas cover: areaDesc naming a district, a geocode equal to a district
 * code, or a polygon/circle containing a district's centroid (when centroids are configured).
 * Empty when nothing matched (the caller then targets the whole city).
 */
export function matchDistricts(
  areas: CapArea[],
  districts: { id: number; code: string; name: string; nameEn: string }[],
  centroids: { districtId: number; lat: number; lon: number }[] = [],
): number[] {
  const found = new Set<number>();
  const norm = (s: string) => s.normalize('NFKC').toLowerCase().replace(/\s+/g, '');
  for (const area of areas) {
    const desc = norm(area.areaDesc);
    const codes = area.geocodes.map((g) => norm(g.value)).filter(Boolean);
    for (const d of districts) {
      const names = [d.name, d.nameEn, d.code].map(norm).filter((x) => x.length >= 2);
      if (codes.includes(norm(d.code)) || names.some((n) => desc.includes(n))) found.add(d.id);
    }
    const polygons = area.polygons.map(parsePolygon).filter((x): x is Point[] => x !== null);
    const circles = area.circles.map(parseCircle).filter((x): x is Point & { radiusKm: number } => x !== null);
    for (const c of centroids) {
      const inPolygon = polygons.some((poly) => insidePolygon(c, poly));
      if (inPolygon || circles.some((circle) => distanceKm(c, circle) <= circle.radiusKm)) found.add(c.districtId);
    }
  }
  return [...found].sort((a, b) => a - b);
}

// ---------------------------------------------------------------------------------------------
// Writing CAP 1.2

/** `2026-04-01T09:30:00+09:00` in the given IANA time zone (CAP forbids "Z"). */
export function capDateTime(ms: number, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      timeZoneName: 'longOffset',
    })
      .formatToParts(new Date(ms))
      .map((x) => [x.type, x.value]),
  ) as Record<string, string>;
  const offset = /GMT([+-]\d\d:\d\d)/.exec(parts.timeZoneName ?? '')?.[1] ?? '+00:00';
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${offset}`;
}

export interface CapExport {
  identifier: string;
  sender: string;
  sent: string;
  status: 'Actual' | 'Exercise';
  msgType: 'Alert' | 'Update' | 'Cancel';
  references: string | null;
  infos: {
    language: string;
    category: string;
    event: string;
    urgency: string;
    severity: string;
    certainty: string;
    expires: string | null;
    senderName: string;
    headline: string;
    description: string;
    responseType: string | null;
    areaDesc: string;
    geocodes: CapValue[];
  }[];
}

export function buildCapXml(e: CapExport): string {
  const alert: Node = {
    '@_xmlns': CAP_12_NAMESPACE,
    identifier: e.identifier,
    sender: e.sender,
    sent: e.sent,
    status: e.status,
    msgType: e.msgType,
    scope: 'Public',
    ...(e.references ? { references: e.references } : {}),
    info: e.infos.map((i) => ({
      language: i.language,
      category: i.category,
      event: i.event,
      ...(i.responseType ? { responseType: i.responseType } : {}),
      urgency: i.urgency,
      severity: i.severity,
      certainty: i.certainty,
      ...(i.expires ? { expires: i.expires } : {}),
      senderName: i.senderName,
      headline: i.headline,
      description: i.description,
      area: {
        areaDesc: i.areaDesc,
        ...(i.geocodes.length ? { geocode: i.geocodes } : {}),
      },
    })),
  };
  const builder = new XMLBuilder({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    format: true,
    processEntities: true,
  });
  return builder.build({ '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' }, alert }) as string;
}
