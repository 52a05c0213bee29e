import { userInfo } from 'node:os';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, session } from 'electron';
import { createCore, type Core } from './bootstrap';
import { registerIpc } from './ipc/ipc-router';
import { createLogger } from './lib/logger';
import { notifyFiringAlerts } from './platform/notifications';
import { createSafeStorageCipher } from './platform/safe-storage-cipher';
import { createTray, type Background } from './platform/tray';
import { appUrl, confirmAndOpen, createMainWindow, isAppUrl } from './platform/window';
import type { Disposable } from './lib/disposables';

/** App lifecycle only; composition happens in bootstrap.ts. */
const logger = createLogger();
let core: Core | undefined;
let ipc: Disposable | undefined;
let background: Background | undefined;
let notifications: Disposable | undefined;
let win: BrowserWindow | undefined;
let quitting = false;
const JOB_THREAD_FILE = fileURLToPath(new URL('./job-thread.js', import.meta.url));

if (!app.requestSingleInstanceLock()) app.quit();

app.on('second-instance', () => {
  const w = BrowserWindow.getAllWindows()[0];
  if (w) {
    if (w.isMinimized()) w.restore();
    w.focus();
  }
});

app.on('web-contents-created', (_e, contents) => {
  contents.on('will-attach-webview', (ev) => ev.preventDefault());
});

void app.whenReady().then(async () => {
  // The CSP also arrives as a header, so it holds even for documents that lack the meta tag.
  session.defaultSession.webRequest.onHeadersReceived((details, cb) => {
    cb({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [
          "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        ],
      },
    });
  });
  core = await createCore({
    shell: 'desktop',
    version: app.getVersion(),
    userDataDir: app.getPath('userData'),
    cipher: await createSafeStorageCipher(),
    logger,
    env: process.env,
    probes: true,
    electron: process.versions.electron,
    platform: { openLink: confirmAndOpen },
    work: true,
    jobThreadFile: JOB_THREAD_FILE,
  });
  ipc = registerIpc({
    router: core.router,
    bus: core.bus,
    actor: { type: 'user', name: `${userInfo().username}@desktop` },
    isAppUrl,
    windows: () => BrowserWindow.getAllWindows(),
  });
  logger.info({ url: appUrl() }, 'opening the console');
  const c = core;
  background = createTray(c, showWindow);
  notifications = notifyFiringAlerts(c, showWindow);
  showWindow(process.argv.includes('--hidden') || app.getLoginItemSettings().wasOpenedAsHidden);
  app.on('activate', () => showWindow().show());
});

/** The one console window: created on demand, hidden (not closed) while Keel works in the tray. */
function showWindow(hidden = false): BrowserWindow {
  if (win && !win.isDestroyed()) return win;
  const w = createMainWindow(hidden);
  w.on('close', (e) => {
    if (quitting || !background) return;
    // Schedules and running jobs need this process: keep it in the tray instead of quitting.
    e.preventDefault();
    void background.shouldStay().then((stay) => (stay ? w.hide() : app.quit()));
  });
  win = w;
  return w;
}

app.on('window-all-closed', () => {
  // Windows close only when quitting (see the window's close handler).
});

app.on('before-quit', (e) => {
  if (quitting || !core) return;
  e.preventDefault();
  void (async () => {
    if (background && !(await background.confirmQuit())) return;
    quitting = true;
    background?.dispose();
    void notifications?.dispose();
    await ipc?.dispose();
    await core?.dispose().catch((err: unknown) => logger.error({ err }, 'shutdown failed'));
    app.quit();
  })();
});
