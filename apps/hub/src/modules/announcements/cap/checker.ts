/** Checks a CAP document's elements against the spec, collecting every problem with its path. */
import type { ErrorDetail } from '@tsunagu/protocol';
import type { CapValue } from './model';

export type Node = Record<string, unknown>;

export const KNOWN = {
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

export class Checker {
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
