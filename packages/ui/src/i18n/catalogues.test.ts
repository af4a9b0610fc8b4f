import { en } from './en';
import { createI18n } from './i18n';
import { ja } from './ja';

function leaves(obj: unknown, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [k, v] of Object.entries(obj as Record<string, unknown>)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object') for (const [kk, vv] of leaves(v, key)) out.set(kk, vv);
    else out.set(key, v);
  }
  return out;
}

const placeholders = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

describe('catalogues', () => {
  const jaLeaves = leaves(ja);
  const enLeaves = leaves(en);

  it('ja and en have exactly the same keys', () => {
    expect([...enLeaves.keys()].sort()).toEqual([...jaLeaves.keys()].sort());
  });

  it.each([
    ['ja', jaLeaves],
    ['en', enLeaves],
  ])('%s has no empty or non-string entries', (_name, map) => {
    for (const [key, value] of map) {
      expect({ key, type: typeof value }).toEqual({ key, type: 'string' });
      expect({ key, empty: (value as string).trim() === '' }).toEqual({ key, empty: false });
    }
  });

  it('both languages use the same interpolation placeholders for each key', () => {
    for (const [key, value] of jaLeaves) {
      expect({ key, p: placeholders(enLeaves.get(key) as string) }).toEqual({ key, p: placeholders(value as string) });
    }
  });

  it('interpolates and switches language', () => {
    const i18n = createI18n('ja');
    expect(i18n.t('home.greeting', { name: '山田' })).toBe('山田さん、こんにちは');
    void i18n.changeLanguage('en');
    expect(i18n.t('home.greeting', { name: 'Yamada' })).toBe('Hello, Yamada');
    expect(i18n.t('common.callCityHall', { context: 'withPhone', phone: '0123-45-6789' })).toContain('0123-45-6789');
  });
});
