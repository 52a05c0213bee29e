import { describe, expect, it } from 'vitest';
import { prefsPatchSchema, prefsSchema } from '../../shared/models/prefs';

describe('preferences patch', () => {
  it('changes only what it names (a theme change keeps the language)', () => {
    expect(prefsPatchSchema.parse({ theme: 'dark' })).toEqual({ theme: 'dark' });
    const stored = prefsSchema.parse({ language: 'zh-CN' });
    expect({ ...stored, ...prefsPatchSchema.parse({ theme: 'dark' }) }).toMatchObject({
      theme: 'dark',
      language: 'zh-CN',
    });
  });

  it('accepts every preference and refuses unknown keys and bad values', () => {
    const keys = Object.keys(prefsSchema.shape).sort();
    expect(Object.keys(prefsPatchSchema.shape).sort()).toEqual(keys);
    expect(prefsPatchSchema.safeParse({ colour: 'red' }).success).toBe(false);
    expect(prefsPatchSchema.safeParse({ probeIntervalMs: 10 }).success).toBe(false);
  });
});
