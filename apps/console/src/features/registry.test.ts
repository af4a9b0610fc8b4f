import { en } from '../i18n/en';
import { ja } from '../i18n/ja';
import { type NavRole, navRolesOf } from '../session';
import { type Feature, featuresFor } from '../shell/feature';
import { features } from './registry';

const page = (id: string, roles: NavRole[]): Feature => ({ id, labelKey: `nav.${id}`, roles, element: null as never });

test('an entry is shown to anyone holding one of its roles; admin pages only to administrators', () => {
  const registry = [
    page('a', ['cityhall']),
    page('b', ['admin']),
    page('c', ['operator', 'listener']),
    page('d', ['watcher', 'cityhall']),
  ];
  const ids = (user: { role: 'cityhall' | 'operator' | 'listener' | 'watcher'; admin: boolean }) =>
    featuresFor(navRolesOf(user), registry).map((f) => f.id);
  expect(ids({ role: 'cityhall', admin: false })).toEqual(['a', 'd']);
  expect(ids({ role: 'cityhall', admin: true })).toEqual(['a', 'b', 'd']);
  expect(ids({ role: 'operator', admin: false })).toEqual(['c']);
  expect(ids({ role: 'listener', admin: false })).toEqual(['c']);
  expect(ids({ role: 'watcher', admin: false })).toEqual(['d']);
});

test('the real registry: households, admin pages and account go to the right people', () => {
  const ids = (user: { role: 'cityhall' | 'operator' | 'listener' | 'watcher'; admin: boolean }) =>
    featuresFor(navRolesOf(user), features).map((f) => f.id);
  const cityhall = ids({ role: 'cityhall', admin: false });
  const admin = ids({ role: 'cityhall', admin: true });
  const watcher = ids({ role: 'watcher', admin: false });
  expect(cityhall).toEqual(expect.arrayContaining(['households', 'account']));
  expect(cityhall).not.toEqual(expect.arrayContaining(['users']));
  for (const id of ['users', 'api-keys', 'audit']) {
    expect(admin).toContain(id);
    for (const role of ['operator', 'listener', 'watcher'] as const)
      expect(ids({ role, admin: false })).not.toContain(id);
  }
  expect(watcher).toContain('my-households');
  expect(watcher).not.toContain('households');
  for (const role of ['cityhall', 'operator', 'listener', 'watcher'] as const)
    expect(ids({ role, admin: false })).toContain('account');
});

test('feature ids are unique and every label is in both catalogues', () => {
  expect(new Set(features.map((f) => f.id)).size).toBe(features.length);
  const lookup = (cat: object, key: string) =>
    key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k], cat);
  for (const f of features) {
    expect({ key: f.labelKey, ja: typeof lookup(ja, f.labelKey) }).toEqual({ key: f.labelKey, ja: 'string' });
    expect({ key: f.labelKey, en: typeof lookup(en, f.labelKey) }).toEqual({ key: f.labelKey, en: 'string' });
  }
});
