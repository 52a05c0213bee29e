import { describe, expect, it, vi } from 'vitest';
import { contentSecurityPolicy } from './csp';
import { installPermissionHandlers, type PermissionSession } from './permissions';
import { revealWindow } from './reveal';
import { startOrExit } from './startup';

/**
 * A window that behaves as Electron 40's BrowserWindow does (docs/api/browser-window.md and
 * shell/browser/native_window_views.cc / native_window_mac.mm): `focus()` on a hidden window
 * neither shows nor focuses it; `show()` shows and focuses; `restore()` un-minimizes.
 */
function fakeWindow(state: { visible: boolean; minimized: boolean }) {
  const w = {
    ...state,
    focused: false,
    isMinimized: () => w.minimized,
    restore: () => {
      w.minimized = false;
      w.visible = true;
    },
    show: () => {
      w.visible = true;
      w.focused = !w.minimized;
    },
    focus: () => {
      if (w.visible && !w.minimized) w.focused = true;
    },
  };
  return w;
}

describe('second launch', () => {
  for (const start of [
    { name: 'hidden in the tray', visible: false, minimized: false },
    { name: 'minimized', visible: true, minimized: true },
    { name: 'behind other windows', visible: true, minimized: false },
  ]) {
    it(`brings back a window ${start.name}, shown and focused`, () => {
      const w = fakeWindow(start);
      revealWindow(w as never);
      expect({ visible: w.visible, minimized: w.minimized, focused: w.focused }).toEqual({
        visible: true,
        minimized: false,
        focused: true,
      });
    });
  }
});

/**
 * A session that records the handlers, called as Electron 40 calls them
 * (docs/api/session.md): request handler (webContents, permission, callback, details with
 * `requestingUrl`); check handler (webContents, permission, requestingOrigin, details with an
 * optional `requestingUrl`).
 */
describe('permissions', () => {
  const APP = 'file:///opt/Keel/out/renderer/index.html';
  const isAppUrl = (u: string): boolean => u.startsWith(APP);
  type ReqHandler = (wc: unknown, p: string, cb: (ok: boolean) => void, d: object) => void;
  type CheckHandler = (wc: unknown, p: string, origin: string, d: object) => boolean;
  function install() {
    let request: ReqHandler | undefined;
    let check: CheckHandler | undefined;
    const session = {
      setPermissionRequestHandler: (h: ReqHandler) => (request = h),
      setPermissionCheckHandler: (h: CheckHandler) => (check = h),
    };
    installPermissionHandlers(session as unknown as PermissionSession, isAppUrl);
    const requested = (permission: string, url: string): boolean => {
      let granted: boolean | undefined;
      request!({}, permission, (ok) => (granted = ok), { requestingUrl: url, isMainFrame: true });
      return granted!;
    };
    const checked = (permission: string, url: string): boolean =>
      check!({ getURL: () => url }, permission, 'file://', {
        requestingUrl: url,
        isMainFrame: true,
      });
    return { requested, checked };
  }

  it('lets the console itself write to the clipboard (Copy in the YAML export)', () => {
    const h = install();
    expect(h.requested('clipboard-sanitized-write', `${APP}#/tenants`)).toBe(true);
    expect(h.checked('clipboard-sanitized-write', APP)).toBe(true);
  });

  it('refuses clipboard writes from any other page', () => {
    const h = install();
    expect(h.requested('clipboard-sanitized-write', 'https://evil.example/')).toBe(false);
    expect(h.checked('clipboard-sanitized-write', 'file:///tmp/other.html')).toBe(false);
  });

  it('refuses every other permission, even to the console', () => {
    const h = install();
    for (const p of [
      'clipboard-read',
      'media',
      'geolocation',
      'notifications',
      'openExternal',
      'fullscreen',
    ]) {
      expect(h.requested(p, APP)).toBe(false);
      expect(h.checked(p, APP)).toBe(false);
    }
  });
});

describe('Content-Security-Policy', () => {
  const directives = (csp: string): Map<string, string[]> =>
    new Map(
      csp
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .map(([k, ...v]) => [k!, v]),
    );

  it('packaged: scripts and styles from the app only, no inline, connections to the app only', () => {
    const d = directives(contentSecurityPolicy({}));
    expect(d.get('script-src')).toEqual(["'self'"]);
    expect(d.get('style-src')).toEqual(["'self'"]);
    expect(d.get('connect-src')).toEqual(["'self'"]);
    expect(d.get('object-src')).toEqual(["'none'"]);
  });

  it("development: allows the dev server's inline preamble, style injection and HMR socket only", () => {
    const d = directives(contentSecurityPolicy({ devUrl: 'http://localhost:5173' }));
    expect(d.get('script-src')).toEqual(["'self'", "'unsafe-inline'"]);
    expect(d.get('style-src')).toEqual(["'self'", "'unsafe-inline'"]);
    expect(d.get('connect-src')).toEqual(["'self'", 'ws://localhost:5173']);
    expect(d.get('object-src')).toEqual(["'none'"]);
  });
});

describe('start-up failure', () => {
  it('shows an error box and exits non-zero instead of leaving an invisible process', async () => {
    const deps = { logger: { error: vi.fn() }, showErrorBox: vi.fn(), exit: vi.fn() };
    await startOrExit(
      () => Promise.reject(new Error('EACCES: permission denied, open prefs.json')),
      deps,
    );
    expect(deps.showErrorBox).toHaveBeenCalledWith(
      'Keel could not start',
      expect.stringContaining('EACCES: permission denied, open prefs.json'),
    );
    expect(deps.exit).toHaveBeenCalledWith(1);
  });

  it('a successful start shows nothing and keeps running', async () => {
    const deps = { logger: { error: vi.fn() }, showErrorBox: vi.fn(), exit: vi.fn() };
    await startOrExit(() => Promise.resolve(), deps);
    expect(deps.showErrorBox).not.toHaveBeenCalled();
    expect(deps.exit).not.toHaveBeenCalled();
  });
});
