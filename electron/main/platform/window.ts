import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BrowserWindow, dialog, shell, type WebContents } from 'electron';

const here = fileURLToPath(new URL('.', import.meta.url));
export const PRELOAD = join(here, '../preload/index.cjs');
export const RENDERER_INDEX = join(here, '../renderer/index.html');
export const ICON = join(here, '../../resources/icons/keel-256.png');

/** The dev server (electron-vite dev) or the packaged file URL of the renderer. */
export function appUrl(): string {
  return process.env.ELECTRON_RENDERER_URL ?? `file://${RENDERER_INDEX}`;
}

export function isAppUrl(url: string): boolean {
  const dev = process.env.ELECTRON_RENDERER_URL;
  if (dev) return url.startsWith(dev);
  return url.startsWith(`file://${RENDERER_INDEX}`);
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
  wc.session.setPermissionRequestHandler((_wc, _permission, cb) => cb(false));
  wc.session.setPermissionCheckHandler(() => false);
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
