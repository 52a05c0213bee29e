import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BrowserWindow, dialog, net, protocol, shell, type WebContents } from 'electron';
import { APP_SCHEME_PRIVILEGES, serveAppRequest } from './app-protocol';
import { installPermissionHandlers } from './permissions';
import { appUrlFor, isAppUrlFor, type AppLocation } from './app-url';

const here = fileURLToPath(new URL('.', import.meta.url));
export const PRELOAD = join(here, '../preload/index.cjs');
export const RENDERER_DIR = join(here, '../renderer');
export const ICON = join(here, '../../resources/icons/keel-256.png');

const location = (): AppLocation => ({ devUrl: process.env.ELECTRON_RENDERER_URL || undefined });

/** Before `ready`: app:// becomes a standard, secure scheme (its own origin, fetch, secure context). */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
}

/** After `ready`: app:// serves the built renderer folder, each response with the CSP header. */
export function serveRenderer(csp: string): void {
  protocol.handle('app', (req) =>
    serveAppRequest(req, { rendererDir: RENDERER_DIR, csp, fetchFile: (u) => net.fetch(u) }),
  );
}

/** The dev server (electron-vite dev) or the packaged renderer at app://keel/index.html. */
export function appUrl(): string {
  return appUrlFor(location());
}

export function isAppUrl(url: string): boolean {
  return isAppUrlFor(location(), url);
}

/** The console window, per Electron's security checklist. */
export function createMainWindow(hidden = false): BrowserWindow {
  const win = new BrowserWindow({
    width: 1360,
    height: 860,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'Keel',
    icon: ICON,
    backgroundColor: '#111418',
    webPreferences: {
      // Reviewed: the preload exposes only invoke/subscribe for keel: channels (electron/preload).
      preload: PRELOAD, // eng-disable PRELOAD_JS_CHECK
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      disableBlinkFeatures: 'Auxclick',
      webviewTag: false,
      spellcheck: false,
      navigateOnDragDrop: false,
    },
  });
  lockDown(win.webContents);
  if (!hidden) win.once('ready-to-show', () => win.show());
  void win.loadURL(appUrl());
  return win;
}

function lockDown(wc: WebContents): void {
  wc.on('will-navigate', (e, url) => {
    if (!isAppUrl(url)) e.preventDefault();
  });
  wc.on('will-redirect', (e) => e.preventDefault());
  wc.on('will-attach-webview', (e) => e.preventDefault());
  wc.setWindowOpenHandler(({ url }) => {
    void confirmAndOpen(url);
    return { action: 'deny' };
  });
  installPermissionHandlers(wc.session, isAppUrl);
}

/** Open an http(s) link in the system browser, only after the user agrees. */
export async function confirmAndOpen(url: string): Promise<boolean> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return false;
  const { response } = await dialog.showMessageBox({
    type: 'question',
    buttons: ['Open', 'Cancel'],
    defaultId: 1,
    cancelId: 1,
    message: 'Open this link in your browser?',
    detail: parsed.toString(),
  });
  if (response !== 0) return false;
  // Reviewed: http(s) only, and only after the user agreed in the dialog above.
  await shell.openExternal(parsed.toString()); // eng-disable OPEN_EXTERNAL_JS_CHECK
  return true;
}
