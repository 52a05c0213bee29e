import { describe, expect, it } from 'vitest';
import { choiceOfParam, paramOfChoice, rangeOfParam } from './rangeParam';

describe('the chart range in the address', () => {
  it('keeps presets and fixed windows', () => {
    expect(choiceOfParam('24h')).toEqual({ preset: '24h' });
    expect(choiceOfParam('1000-5000')).toEqual({ custom: { from: 1000, to: 5000 } });
    expect(paramOfChoice({ preset: '7d' })).toBe('7d');
    expect(paramOfChoice({ custom: { from: 1000.4, to: 5000 } })).toBe('1000-5000');
    expect(paramOfChoice({ preset: '1h' })).toBeUndefined();
  });

  it('opens on the default hour for anything else', () => {
    for (const bad of ['', '5y', '5000-1000', 'a-b', '1-2-3'])
      expect(choiceOfParam(bad)).toEqual({ preset: '1h' });
    expect(rangeOfParam('toString')).toBeUndefined();
  });
});
