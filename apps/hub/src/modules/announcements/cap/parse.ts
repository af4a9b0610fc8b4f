/** Parsing and validating a decoded CAP document (pure: no database, no clock). */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { Checker, KNOWN, type Node } from './checker';
import {
  CAP_NAMESPACES,
  CATEGORY,
  type CapAlert,
  type CapArea,
  CapError,
  type CapInfo,
  type CapReference,
  CERTAINTY_11,
  CERTAINTY_12,
  MSG_TYPE,
  RESPONSE_TYPE,
  SCOPE,
  SEVERITY,
  STATUS,
  URGENCY,
} from './model';

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
