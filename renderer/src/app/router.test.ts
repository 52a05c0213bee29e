import { describe, expect, it } from 'vitest';
import { matchLanguage } from './i18n';
import { parseHash, ROUTE_IDS } from './router';
import { GO_KEYS } from './shortcuts';

describe('hash router', () => {
  it('reads the page from the hash', () => {
    expect(parseHash('#/health')).toBe('health');
    expect(parseHash('#/jobs/j_1')).toBe('jobs');
    expect(parseHash('#/settings?x=1')).toBe('settings');
    expect(parseHash('#/schedules')).toBe('schedules');
    expect(parseHash('#/tenants')).toBe('tenants');
    expect(parseHash('#/alerts')).toBe('alerts');
    expect(parseHash('#/overview/demo/core')).toBe('overview');
    expect(parseHash('#connections')).toBe('connections');
    expect(parseHash('')).toBeUndefined();
    expect(parseHash('#/nope')).toBeUndefined();
  });
});

describe('initial language', () => {
  it('maps browser languages onto en / zh-CN', () => {
    expect(matchLanguage(['zh-CN'])).toBe('zh-CN');
    expect(matchLanguage(['zh-Hans-CN', 'en'])).toBe('zh-CN');
    expect(matchLanguage(['zh-TW'])).toBe('zh-CN');
    expect(matchLanguage(['de-DE', 'en-GB'])).toBe('en');
    expect(matchLanguage(['fr'])).toBe('en');
  });
});

describe('go-to shortcuts', () => {
  it('give every page one key', () => {
    expect(Object.values(GO_KEYS).sort()).toEqual([...ROUTE_IDS].sort());
    expect(GO_KEYS['d']).toBe('schedules');
    expect(GO_KEYS['t']).toBe('tenants');
  });
});
