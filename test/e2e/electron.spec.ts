import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  _electron as electron,
  expect,
  test,
  type ElectronApplication,
  type Page,
} from '@playwright/test';

/**
 * What a real Electron window must do (issue 17, "Proof without a window"). It runs as written
 * wherever an Electron binary and a display exist: `KEEL_ELECTRON_PATH` names a binary, else the
 * one `npm install electron` downloaded; on Linux under `xvfb-run`. It needs `npm run build`.
 */
function electronBinary(): string | undefined {
  if (process.env.KEEL_ELECTRON_PATH) return process.env.KEEL_ELECTRON_PATH;
  const pathTxt = join(process.cwd(), 'node_modules/electron/path.txt');
  if (!existsSync(pathTxt)) return undefined;
  const bin = join(
    process.cwd(),
    'node_modules/electron/dist',
    readFileSync(pathTxt, 'utf8').trim(),
  );
  return existsSync(bin) ? bin : undefined;
}

/** The page's globals these checks touch (the e2e project compiles without the DOM lib). */
interface Page$ {
  keel: { invoke: (m: string, i: unknown) => Promise<unknown> };
  document: {
    createElement(tag: string): { textContent: string };
    head: { append(node: unknown): void };
  };
  open(url: string): unknown;
  location: { href: string };
  navigator: {
    clipboard: { writeText(text: string): Promise<void> };
    mediaDevices: { getUserMedia(c: object): Promise<unknown> };
  };
  __inline?: number;
  __same?: boolean;
}

const bin = electronBinary();
const display = process.platform !== 'linux' || Boolean(process.env.DISPLAY);

test.describe('Electron shell', () => {
  test.skip(
    !bin,
    'no Electron binary: set KEEL_ELECTRON_PATH, or node_modules/electron/path.txt is missing (installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1; `node node_modules/electron/install.js` fetches it where the network allows)',
  );
  test.skip(!display, 'no display: run under xvfb-run to test the Electron window on Linux');

  let dir: string;
  let app: ElectronApplication;
  let win: Page;

  test.beforeEach(async () => {
    // A private user-data folder (Linux: $XDG_CONFIG_HOME/Keel), so no real settings are touched.
    dir = mkdtempSync(join(tmpdir(), 'keel-electron-e2e-'));
    const env = Object.fromEntries(
      Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined),
    );
    app = await electron.launch({
      executablePath: bin,
      args: ['.', '--password-store=basic'],
      env: { ...env, XDG_CONFIG_HOME: dir, ELECTRON_RENDERER_URL: '' },
    });
    win = await app.firstWindow();
    await expect(win.getByTestId('nav-health')).toBeVisible();
  });

  test.afterEach(async () => {
    await app?.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  test('opens the console from app:// with the sandboxed preload bridge only', async () => {
    expect(new URL(win.url()).origin).toBe('app://keel');
    const exposed = await win.evaluate(() => {
      const w = globalThis as unknown as { keel: object; require?: unknown; process?: unknown };
      return {
        keel: Object.keys(w.keel).sort(),
        require: typeof w.require,
        process: typeof w.process,
      };
    });
    expect(exposed).toEqual({
      keel: ['invoke', 'shell', 'subscribe'],
      require: 'undefined',
      process: 'undefined',
    });
  });

  test('answers a contract call over IPC from its own window', async () => {
    const r = await win.evaluate(() =>
      (globalThis as unknown as Page$).keel.invoke('system.info', {}),
    );
    expect(r).toMatchObject({ ok: true, value: { name: 'Keel', shell: 'desktop' } });
  });

  test('enforces the CSP: no eval, no inline script', async () => {
    const blocked = await win.evaluate(() => {
      const g = globalThis as unknown as Page$;
      let evalBlocked = false;
      try {
        eval('1'); // the point: the CSP refuses it
      } catch {
        evalBlocked = true;
      }
      const s = g.document.createElement('script');
      s.textContent = 'globalThis.__inline = 1';
      g.document.head.append(s);
      return { evalBlocked, inlineRan: g.__inline === 1 };
    });
    expect(blocked).toEqual({ evalBlocked: true, inlineRan: false });
  });

  test('denies navigation away and window.open (the link goes to a confirm dialog)', async () => {
    // The confirm dialog answers Cancel, so nothing opens in the system browser either.
    await app.evaluate(({ dialog }) => {
      dialog.showMessageBox = (async () => ({ response: 1, checkboxChecked: false })) as never;
    });
    const opened = await win.evaluate(
      () => (globalThis as unknown as Page$).open('https://example.com/') === null,
    );
    expect(opened).toBe(true);
    expect(app.windows()).toHaveLength(1);
    const before = win.url();
    await win.evaluate(() => {
      const g = globalThis as unknown as Page$;
      g.__same = true;
      g.location.href = 'https://example.com/';
    });
    // The same document still answers (a navigation would have replaced it) after a round trip.
    await win.evaluate(() => (globalThis as unknown as Page$).keel.invoke('system.info', {}));
    expect(await win.evaluate(() => (globalThis as unknown as Page$).__same)).toBe(true);
    expect(win.url()).toBe(before);
  });

  test('allows clipboard writes from the console, refuses other permissions', async () => {
    await win.bringToFront();
    const r = await win.evaluate(async () => {
      const { navigator } = globalThis as unknown as Page$;
      const write = await navigator.clipboard.writeText('keel').then(
        () => 'ok',
        (e: unknown) => String(e),
      );
      const mic = await navigator.mediaDevices.getUserMedia({ audio: true }).then(
        () => 'granted',
        () => 'denied',
      );
      return { write, mic };
    });
    expect(r).toEqual({ write: 'ok', mic: 'denied' });
  });

  test('a hidden window (tray, start at login) comes back on a second launch', async () => {
    await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.hide());
    await expect
      .poll(() =>
        app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.isVisible()),
      )
      .toBe(false);
    // What Electron emits in the running instance when Keel is launched again.
    await app.evaluate(({ app: a }) => a.emit('second-instance', {}, [], process.cwd(), {}));
    await expect
      .poll(() =>
        app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.isVisible()),
      )
      .toBe(true);
  });
});
