import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '@shared/errors';
import en from './en.json';
import zhCN from './zh-CN.json';

type Tree = { [k: string]: string | Tree };

/** Leaf keys with plural suffixes folded (Chinese has only `_other`). */
function keys(tree: Tree, prefix = ''): Set<string> {
  const out = new Set<string>();
  for (const [k, v] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.add(path.replace(/_(zero|one|two|few|many|other)$/, ''));
    else for (const x of keys(v, path)) out.add(x);
  }
  return out;
}

function leaf(tree: Tree, path: string): string | undefined {
  let node: string | Tree | undefined = tree;
  for (const part of path.split('.')) node = typeof node === 'object' ? node[part] : undefined;
  return typeof node === 'string' ? node : undefined;
}

describe('locales', () => {
  it('zh-CN translates every English string and no others', () => {
    const a = keys(en as Tree);
    const b = keys(zhCN as Tree);
    expect([...a].filter((k) => !b.has(k))).toEqual([]);
    expect([...b].filter((k) => !a.has(k))).toEqual([]);
  });

  it('every error code has a title and a hint in both languages', () => {
    for (const tree of [en, zhCN] as Tree[]) {
      for (const code of ERROR_CODES) {
        expect(leaf(tree, `errors.${code}.title`), code).toBeTruthy();
        expect(leaf(tree, `errors.${code}.hint`), code).toBeTruthy();
      }
    }
  });

  it('uses the same interpolation variables in both languages', () => {
    const vars = (s: string) => [...s.matchAll(/{{\s*(\w+)/g)].map((m) => m[1]).sort();
    for (const key of keys(en as Tree)) {
      const e = leaf(en as Tree, key) ?? leaf(en as Tree, `${key}_other`) ?? '';
      const z = leaf(zhCN as Tree, key) ?? leaf(zhCN as Tree, `${key}_other`) ?? '';
      expect(vars(z), key).toEqual(vars(e));
    }
  });
});
