/**
 * The console says everything in words (issue 13): every key of each Japanese catalogue exists in
 * its English one and the other way round, no label is empty, and every code the hub can send that
 * the console displays (call end reasons, alert kinds and events, outcomes, order states…) has a
 * Japanese label that is not the code itself.
 */

import type { TSchema } from '@sinclair/typebox';
import {
  ActivityKind,
  AlertEventType,
  AlertKind,
  AlertOutcome,
  AlertState,
  AUDIT_ACTIONS,
  BoardStatus,
  CallEndReason,
  ErrorCodes,
  HistoryDay,
  JmaDecision,
  Mood,
  OrderStatus,
  WatcherKind,
} from '@tsunagu/protocol';
import * as announcements from '../features/announcements/messages';
import * as audit from '../features/audit/messages';
import * as calls from '../features/calls/messages';
import * as households from '../features/households/messages';
import * as privacy from '../features/households/privacy-messages';
import * as jma from '../features/jma/messages';
import * as notifications from '../features/notifications/messages';
import * as system from '../features/system/messages';
import * as fleet from '../features/terminals/messages';
import * as watchers from '../features/watchers/messages';
import { en } from './en';
import { ja } from './ja';

type Tree = { [key: string]: unknown };

/** Every leaf of a catalogue as a dotted path (arrays count as leaves). */
function leaves(tree: unknown, prefix = ''): string[] {
  if (typeof tree !== 'object' || tree === null || Array.isArray(tree)) return [prefix];
  return Object.entries(tree as Tree).flatMap(([k, v]) => leaves(v, prefix ? `${prefix}.${k}` : k));
}

/** The values of a closed set of strings (`literals(...)`, a union of literals, or of such unions). */
function values(schema: TSchema): string[] {
  if (typeof schema.const === 'string') return [schema.const];
  return (schema.anyOf as TSchema[]).flatMap(values);
}

/** The Japanese words as the console has them once every page has added its own (deep merge). */
function merge(base: Tree, extra: Tree): Tree {
  const out: Tree = { ...base };
  for (const [k, v] of Object.entries(extra))
    out[k] = typeof v === 'object' && v !== null && !Array.isArray(v) ? merge((out[k] as Tree) ?? {}, v as Tree) : v;
  return out;
}
const shownJa = merge(ja as unknown as Tree, { watch: notifications.watchJa, audit: audit.auditJa });

const at = (tree: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((node, k) => (node as Tree | undefined)?.[k], tree);

// Every catalogue a page module exports (`fooJa` beside `fooEn`), found by name so none is left out.
const modules: Record<string, Record<string, unknown>> = {
  console: { consoleJa: ja, consoleEn: en },
  announcements,
  audit,
  calls,
  households,
  privacy,
  jma,
  notifications,
  system,
  fleet,
  watchers,
};
const pairs = Object.entries(modules).flatMap(([name, words]) =>
  Object.keys(words)
    .filter((key) => key.endsWith('Ja'))
    .map((key): [string, unknown, unknown] => [`${name}: ${key}`, words[key], words[key.replace(/Ja$/, 'En')]]),
);

describe('console catalogues', () => {
  it('every error the hub can answer staff with has words of its own (only terminals get the others)', () => {
    const terminalsOnly = new Set<string>([
      ErrorCodes.ENROLLMENT_CODE_INVALID,
      ErrorCodes.ENROLLMENT_CODE_EXPIRED,
      ErrorCodes.ENROLLMENT_CODE_USED,
      ErrorCodes.CREDENTIAL_REVOKED,
      ErrorCodes.PROTOCOL_MISMATCH,
      ErrorCodes.HUB_BUSY,
    ]);
    const missing = Object.values(ErrorCodes).filter((code) => !terminalsOnly.has(code) && !(code in ja.errors));
    expect(missing).toEqual([]);
  });

  it.each(Object.keys(modules))('%s: its catalogues are found (a Japanese one, its English pair)', (name) => {
    expect(pairs.filter(([found]) => found.startsWith(`${name}: `)).length).toBeGreaterThan(0);
  });

  it.each(pairs)('%s: Japanese and English have the same keys, none empty', (_name, jaWords, enWords) => {
    const jaKeys = leaves(jaWords).sort();
    const enKeys = leaves(enWords).sort();
    expect({ missingInEnglish: jaKeys.filter((k) => !enKeys.includes(k)) }).toEqual({ missingInEnglish: [] });
    expect({ missingInJapanese: enKeys.filter((k) => !jaKeys.includes(k)) }).toEqual({ missingInJapanese: [] });
    // Empty on purpose in both (e.g. nothing to add for a plain issue); empty in one only is a gap.
    const empty = jaKeys.filter((k) => (at(jaWords, k) === '') !== (at(enWords, k) === ''));
    expect(empty).toEqual([]);
  });

  // Every code the console shows, with where its Japanese label lives.
  const shown: [string, TSchema, string][] = [
    ['call end reasons', CallEndReason, 'calls.endedReason'],
    ['order states', OrderStatus, 'orders.statuses'],
    ['alert kinds', AlertKind, 'watch.kind'],
    ['alert states', AlertState, 'watch.state'],
    ['alert events', AlertEventType, 'watch.events'],
    ['alert outcomes', AlertOutcome, 'watch.outcomes'],
    ['board states', BoardStatus, 'watch.status'],
    ['history days', HistoryDay.properties.status, 'watch.dayStatus'],
    ['moods', Mood, 'watch.moods'],
    ['signs of life', ActivityKind, 'watch.signs'],
    ['watcher kinds', WatcherKind, 'watcherKinds'],
  ];
  it.each(shown)('%s: each has a Japanese label in words', (_name, schema, path) => {
    const problems = values(schema).flatMap((code) => {
      const label = at(shownJa, `${path}.${code}`);
      if (typeof label !== 'string' || label === '') return [`${code}: no label`];
      // A code shown as is (snake_case or the code itself) or English where Japanese belongs.
      if (label === code || /[a-z]+_[a-z]+/.test(label) || /^[\x20-\x7e]+$/.test(label)) return [`${code}: "${label}"`];
      return [];
    });
    expect(problems).toEqual([]);
  });

  it('audit actions: each the hub records (and each JMA decision) has a Japanese label in words', () => {
    const codes = [...AUDIT_ACTIONS, ...values(JmaDecision).map((d) => `jma.${d}`)];
    const problems = codes.flatMap((code) => {
      const label = at(shownJa, `audit.actions.${code}`);
      return typeof label === 'string' && label !== '' && !/^[\x20-\x7e]+$/.test(label) ? [] : [code];
    });
    expect(problems).toEqual([]);
  });
});
