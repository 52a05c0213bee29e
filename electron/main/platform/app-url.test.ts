import { describe, expect, it } from 'vitest';
import { appUrlFor, isAppUrlFor } from './app-url';

/** The packaged app:// origin is covered in app-protocol.test.ts, with install paths. */
describe('app URL trust', () => {
  it('packaged: refuses file pages, whatever their path, and other schemes', () => {
    const loc = {};
    for (const url of [
      'file:///opt/Keel/out/renderer/index.html',
      'file:///C:/Users/John%20Doe/Keel/out/renderer/index.html',
      'https://keel/index.html',
      'app://keel.evil/index.html',
      'not a url',
    ])
      expect(isAppUrlFor(loc, url)).toBe(false);
  });

  it('in development trusts the dev server origin only, never a look-alike host', () => {
    const loc = { devUrl: 'http://localhost:5173' };
    expect(appUrlFor(loc)).toBe('http://localhost:5173');
    expect(isAppUrlFor(loc, 'http://localhost:5173/#/health')).toBe(true);
    expect(isAppUrlFor(loc, 'http://localhost:51730/')).toBe(false);
    expect(isAppUrlFor(loc, 'http://localhost:5173.evil.example/')).toBe(false);
    expect(isAppUrlFor(loc, 'https://localhost:5173/')).toBe(false);
    expect(isAppUrlFor(loc, 'app://keel/index.html')).toBe(false);
  });
});
