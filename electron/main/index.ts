import { userInfo } from 'node:os';
import { app, BrowserWindow, session } from 'electron';
import { createCore, type Core } from './bootstrap';
import { registerIpc } from './ipc/ipc-router';
import { createLogger } from './lib/logger';
import { createSafeStorageCipher } from './platform/safe-storage-cipher';
import { appUrl, confirmAndOpen, createMainWindow, isAppUrl } from './platform/window';
import type { Disposable } from './lib/disposables';

/** App lifecycle only; composition happens in bootstrap.ts. */
const logger = createLogger();
let core: Core | undefined;
let ipc: Disposable | undefined;

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
  });
  ipc = registerIpc({
    router: core.router,
    bus: core.bus,
    actor: { type: 'user', name: `${userInfo().username}@desktop` },
    isAppUrl,
    windows: () => BrowserWindow.getAllWindows(),
  });
  logger.info({ url: appUrl() }, 'opening the console');
  createMainWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createMainWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

let quitting = false;
app.on('before-quit', (e) => {
  if (quitting || !core) return;
  e.preventDefault();
  quitting = true;
  void (async () => {
    await ipc?.dispose();
    await core?.dispose().catch((err: unknown) => logger.error({ err }, 'shutdown failed'));
    app.quit();
  })();
});
