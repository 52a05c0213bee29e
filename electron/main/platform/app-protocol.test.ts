import { describe, expect, it } from 'vitest';
import { appUrlFor, isAppUrlFor } from './app-url';
import { APP_SCHEME_PRIVILEGES, fileForAppRequest, serveAppRequest } from './app-protocol';

/**
 * The packaged renderer is served from `app://keel/` (Electron's security checklist: avoid
 * file://), registered as a standard, secure scheme (docs/api/protocol.md, Electron 40:
 * `protocol.registerSchemesAsPrivileged` before ready, `protocol.handle` returning a Response,
 * whose headers, including the CSP, reach the page).
 */
describe('the app:// protocol', () => {
  const loc = {}; // packaged: no dev server

  it('is where the console loads, and what is trusted', () => {
    expect(appUrlFor(loc)).toBe('app://keel/index.html');
    expect(isAppUrlFor(loc, 'app://keel/index.html#/alerts')).toBe(true);
    expect(isAppUrlFor(loc, 'app://keel/assets/x.js')).toBe(true);
    expect(isAppUrlFor(loc, 'app://evil/index.html')).toBe(false);
    expect(isAppUrlFor(loc, 'file:///opt/Keel/resources/app.asar/out/renderer/index.html')).toBe(
      false,
    );
    expect(isAppUrlFor(loc, 'https://keel/index.html')).toBe(false);
  });

  it('is registered standard and secure (origin, relative URLs, fetch, a secure context)', () => {
    expect(APP_SCHEME_PRIVILEGES).toEqual({
      scheme: 'app',
      privileges: { standard: true, secure: true, supportFetchAPI: true },
    });
  });

  const installs = [
    {
      name: 'spaces',
      dir: '/home/john/My Apps/Keel/out/renderer',
      windows: false,
      file: 'file:///home/john/My%20Apps/Keel/out/renderer/assets/index.js',
    },
    {
      name: '%',
      dir: '/opt/100%keel/out/renderer',
      windows: false,
      file: 'file:///opt/100%25keel/out/renderer/assets/index.js',
    },
    {
      name: 'non-ASCII',
      dir: '/home/zoë/应用/out/renderer',
      windows: false,
      file: 'file:///home/zo%C3%AB/%E5%BA%94%E7%94%A8/out/renderer/assets/index.js',
    },
    {
      name: 'a Windows drive',
      dir: 'C:\\Users\\John Doe\\AppData\\Local\\Programs\\Keel\\resources\\app.asar\\out\\renderer',
      windows: true,
      file: 'file:///C:/Users/John%20Doe/AppData/Local/Programs/Keel/resources/app.asar/out/renderer/assets/index.js',
    },
  ];
  for (const i of installs) {
    it(`serves the renderer's files from an install path with ${i.name}, with the CSP header`, async () => {
      const fetched: string[] = [];
      const res = await serveAppRequest(
        { url: 'app://keel/assets/index.js' },
        {
          rendererDir: i.dir,
          windows: i.windows,
          csp: "default-src 'self'",
          fetchFile: async (u) => {
            fetched.push(u);
            return new Response('export {}', { headers: { 'content-type': 'text/javascript' } });
          },
        },
      );
      expect(fetched).toEqual([i.file]);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-security-policy')).toBe("default-src 'self'");
      expect(res.headers.get('content-type')).toBe('text/javascript');
      expect(await res.text()).toBe('export {}');
    });
  }

  it('never serves a file outside the renderer folder, nor for another host', () => {
    const dir = '/opt/Keel/out/renderer';
    expect(fileForAppRequest('app://keel/', dir, false)).toBe('/opt/Keel/out/renderer/index.html');
    expect(fileForAppRequest('app://keel/../../main/index.js', dir, false)).toBe(
      '/opt/Keel/out/renderer/main/index.js',
    );
    // The URL parser resolves dot segments, %2e%2e included, before any path is made.
    expect(fileForAppRequest('app://keel/%2e%2e/%2e%2e/main/index.js', dir, false)).toBe(
      '/opt/Keel/out/renderer/main/index.js',
    );
    expect(fileForAppRequest('app://keel/..%2f..%2fmain%2findex.js', dir, false)).toBeUndefined();
    expect(fileForAppRequest('app://keel/a%00.js', dir, false)).toBeUndefined();
    expect(fileForAppRequest('app://keel/%E0%A4%A', dir, false)).toBeUndefined();
    expect(fileForAppRequest('app://other/index.html', dir, false)).toBeUndefined();
    expect(
      fileForAppRequest('app://keel/..%5c..%5cmain%5cindex.js', 'C:\\Keel\\out\\renderer', true),
    ).toBeUndefined();
  });

  it('answers 404 for a refused path without reading anything', async () => {
    const res = await serveAppRequest(
      { url: 'app://keel/..%2f..%2fsecret' },
      {
        rendererDir: '/opt/Keel/out/renderer',
        windows: false,
        csp: "default-src 'self'",
        fetchFile: async () => {
          throw new Error('read');
        },
      },
    );
    expect(res.status).toBe(404);
  });
});
