import { describe, expect, it } from 'vitest';
import { describeCron } from './cronText';

describe('cron in words', () => {
  it('describes in English and Chinese', () => {
    expect(describeCron('0 2 * * *', 'en')).toBe('At 02:00');
    expect(describeCron('0 2 * * *', 'zh-CN')).toContain('02:00');
    expect(describeCron('0 2 * * *', 'zh-CN')).not.toContain('At');
  });

  it('gives up on what it cannot read', () => {
    expect(describeCron('61 * * * *', 'en')).toBeUndefined();
    expect(describeCron('nonsense', 'en')).toBeUndefined();
  });
});
