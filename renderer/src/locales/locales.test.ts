import { describe, expect, it } from 'vitest';
import en from './en.json';
import zhCN from './zh-CN.json';

/** i18next plural forms: English has _one/_other, Chinese only _other; the key is the same. */
const PLURAL = /_(zero|one|two|few|many|other)$/;

function keys(obj: unknown, prefix = ''): string[] {
  if (typeof obj !== 'object' || obj === null) return [prefix];
  return Object.entries(obj).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}
const base = (list: string[]): Set<string> => new Set(list.map((k) => k.replace(PLURAL, '')));

describe('locale files', () => {
  it('have the same keys in English and Simplified Chinese (plural forms aside)', () => {
    const a = base(keys(en));
    const b = base(keys(zhCN));
    expect(
      [...a].filter((k) => !b.has(k)),
      'in en.json, not in zh-CN.json',
    ).toEqual([]);
    expect(
      [...b].filter((k) => !a.has(k)),
      'in zh-CN.json, not in en.json',
    ).toEqual([]);
  });

  it('have an _other form for every plural key', () => {
    for (const list of [keys(en), keys(zhCN)]) {
      const plural = list.filter((k) => PLURAL.test(k)).map((k) => k.replace(PLURAL, ''));
      const missing = plural.filter((k) => !list.includes(`${k}_other`));
      expect([...new Set(missing)]).toEqual([]);
    }
  });

  it('translate every string (no empty values)', () => {
    const empty = (obj: unknown, prefix = ''): string[] =>
      typeof obj === 'string'
        ? obj.trim() === ''
          ? [prefix]
          : []
        : Object.entries(obj as object).flatMap(([k, v]) => empty(v, `${prefix}.${k}`));
    expect(empty(en)).toEqual([]);
    expect(empty(zhCN)).toEqual([]);
  });
});
