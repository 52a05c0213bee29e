import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, dialog, Menu, nativeImage, Tray, type BrowserWindow } from 'electron';
import type { Core } from '../bootstrap';
import type { LoginItem } from './login-item';
import { revealWindow } from './reveal';
import { trayIconFile } from './tray-icon';

const here = fileURLToPath(new URL('.', import.meta.url));
const TRAY_ICON = trayIconFile(join(here, '../../resources/icons'), process.platform);

export interface Background {
  /** Whether closing the window should keep Keel running (schedules or jobs need this process). */
  shouldStay(): Promise<boolean>;
  /** Ask before quitting while jobs run here; false keeps Keel open. */
  confirmQuit(): Promise<boolean>;
  dispose(): void;
}

const alertsText = (firing: number, critical: number): string =>
  `${firing} alert${firing === 1 ? '' : 's'} firing${critical > 0 ? ` (${critical} critical)` : ''}`;

/** Show the console on the alerts page (a fixed hash, never anything from data). */
export function openAlerts(w: BrowserWindow): void {
  revealWindow(w);
  const go = (): void =>
    void w.webContents.executeJavaScript("location.hash = '#/alerts'").catch(() => undefined);
  if (w.webContents.isLoading()) w.webContents.once('did-finish-load', go);
  else go();
}

/**
 * The tray: Keel keeps running there while schedules are active or jobs run, shows how many jobs
 * are running and how many alerts fire, opens the window, toggles start at login, and quits only on an explicit Quit
 * (asking first when a job is running).
 */
export function createTray(
  core: Core,
  showWindow: () => BrowserWindow,
  loginItem: LoginItem,
): Background {
  const tray = new Tray(nativeImage.createFromPath(TRAY_ICON));
  tray.setToolTip('Keel');
  let running = 0;
  let firing = 0;
  let critical = 0;

  const render = (): void => {
    const login = loginItem.enabled();
    tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: 'Open Keel', click: () => revealWindow(showWindow()) },
        { type: 'separator' },
        {
          label:
            running === 0 ? 'No jobs running' : `${running} job${running === 1 ? '' : 's'} running`,
          enabled: false,
        },
        {
          label: firing === 0 ? 'No alerts firing' : alertsText(firing, critical),
          enabled: firing > 0,
          click: () => openAlerts(showWindow()),
        },
        { type: 'separator' },
        {
          label: 'Start Keel at login',
          type: 'checkbox',
          checked: login,
          // The tick shows what the OS holds afterwards, not what was clicked.
          click: (item) =>
            void loginItem
              .set(item.checked)
              .catch((err: unknown) =>
                dialog.showErrorBox('Start at login could not be changed', String(err)),
              )
              .finally(render),
        },
        { label: 'Quit Keel', click: () => app.quit() },
      ]),
    );
    const parts = [
      ...(running === 0 ? [] : [`${running} job${running === 1 ? '' : 's'} running`]),
      ...(firing === 0 ? [] : [alertsText(firing, critical)]),
    ];
    tray.setToolTip(parts.length === 0 ? 'Keel' : `Keel: ${parts.join(', ')}`);
    // macOS shows a title next to the icon; elsewhere this is a no-op.
    if (process.platform === 'darwin') tray.setTitle(firing === 0 ? '' : String(firing));
  };

  const refresh = async (): Promise<void> => {
    running = await core.services.jobs.runningHere();
    render();
  };
  const sub = core.bus.subscribe('jobs.updated', () => void refresh());

  // Bursts of `alerts.changed` (one per evaluation) cause one summary call.
  let alertsTimer: ReturnType<typeof setTimeout> | undefined;
  const refreshAlerts = async (): Promise<void> => {
    const r = await core.router.dispatch(
      'alerts.summary',
      {},
      {
        shell: 'desktop',
        actor: { type: 'system', name: 'tray' },
        signal: AbortSignal.timeout(10_000),
      },
    );
    // Until the alerts service answers (or while it fails) the tray shows no count.
    const rows = r.ok ? (r.value as Array<{ firing: number; critical: number }>) : [];
    firing = rows.reduce((n, x) => n + x.firing, 0);
    critical = rows.reduce((n, x) => n + x.critical, 0);
    render();
  };
  const alertsSub = core.bus.subscribe('alerts.changed', () => {
    if (alertsTimer !== undefined) return;
    alertsTimer = setTimeout(() => {
      alertsTimer = undefined;
      void refreshAlerts();
    }, 1_000);
  });
  void refreshAlerts();
  tray.on('click', () => revealWindow(showWindow()));
  render();

  return {
    async shouldStay() {
      if ((await core.services.jobs.runningHere()) > 0) return true;
      const perEnv = await core.services.schedules.list().catch(() => []);
      return perEnv.some((e) => e.schedules.some((s) => s.enabled));
    },
    async confirmQuit() {
      const n = await core.services.jobs.runningHere();
      if (n === 0) return true;
      const { response } = await dialog.showMessageBox({
        type: 'warning',
        buttons: ['Quit anyway', 'Keep running'],
        defaultId: 1,
        cancelId: 1,
        message: `${n} job${n === 1 ? ' is' : 's are'} running in this Keel.`,
        detail:
          'Quitting stops them here. In a coordinated environment another Keel of the team takes them over; otherwise they are cancelled.',
      });
      return response === 0;
    },
    dispose() {
      sub.dispose();
      alertsSub.dispose();
      clearTimeout(alertsTimer);
      tray.destroy();
    },
  };
}
