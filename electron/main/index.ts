import { homedir, userInfo } from 'node:os';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, session } from 'electron';
import { createCore, type Core } from './bootstrap';
import { registerIpc } from './ipc/ipc-router';
import { EventBus } from './lib/event-bus';
import { createLogger } from './lib/logger';
import { unpackedPath } from './platform/asar';
import { contentSecurityPolicy } from './platform/csp';
import { createLoginItem } from './platform/login-item';
import { notifyFiringAlerts } from './platform/notifications';
import { revealWindow } from './platform/reveal';
import { createSafeStorageCipher } from './platform/safe-storage-cipher';
import { startOrExit } from './platform/startup';
import { createTray, type Background } from './platform/tray';
import {
  appUrl,
  confirmAndOpen,
  createMainWindow,
  isAppUrl,
  registerAppScheme,
  serveRenderer,
} from './platform/window';
import { PrefsService } from './services/prefs.service';
import type { Disposable } from './lib/disposables';

/** App lifecycle only; composition happens in bootstrap.ts. */
const logger = createLogger();
let core: Core | undefined;
let ipc: Disposable | undefined;
let background: Background | undefined;
let notifications: Disposable | undefined;
let win: BrowserWindow | undefined;
let quitting = false;
const earlyPrefs = (): PrefsService =>
  new PrefsService(app.getPath('userData'), new EventBus(), logger);
const JOB_THREAD_FILE = unpackedPath(fileURLToPath(new URL('./job-thread.js', import.meta.url)));

async function start(): Promise<void> {
  // The CSP also arrives as a header (app:// responses, and the dev server's over http), so it
  // holds even for documents that lack the meta tag.
  const csp = contentSecurityPolicy({ devUrl: process.env.ELECTRON_RENDERER_URL || undefined });
  serveRenderer(csp);
  session.defaultSession.webRequest.onHeadersReceived((details, cb) => {
    cb({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
  core = await createCore({
    shell: 'desktop',
    version: app.getVersion(),
    userDataDir: app.getPath('userData'),
    cipher: await createSafeStorageCipher({
      // Before the core exists (its own start-up may open secrets) the file is read directly.
      allowWeak: async () =>
        (await (core?.services.prefs ?? earlyPrefs()).get()).allowWeakSecretStorage,
    }),
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
  const loginItem = createLoginItem({
    platform: process.platform,
    app,
    env: process.env,
    home: homedir(),
    execPath: process.execPath,
  });
  background = createTray(c, showWindow, loginItem);
  notifications = notifyFiringAlerts(c, showWindow);
  showWindow(loginItem.startHidden(process.argv));
  app.on('activate', () => revealWindow(showWindow()));
}

// The losing instance only hands over to the running one: none of the start-up body runs.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  registerAppScheme(); // must happen before ready
  app.on('second-instance', () => {
    // Before start-up finished there is no window to bring back; the new one will show itself.
    if (core) revealWindow(showWindow());
  });
  app.on('web-contents-created', (_e, contents) => {
    contents.on('will-attach-webview', (ev) => ev.preventDefault());
  });
  void app.whenReady().then(() =>
    startOrExit(start, {
      logger,
      showErrorBox: (title, content) => dialog.showErrorBox(title, content),
      exit: (code) => app.exit(code),
    }),
  );
}

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
