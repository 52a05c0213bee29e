import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, dialog, Menu, nativeImage, Tray, type BrowserWindow } from 'electron';
import type { Core } from '../bootstrap';

const here = fileURLToPath(new URL('.', import.meta.url));
const TRAY_ICON = join(here, '../../resources/icons/tray.png');

export interface Background {
  /** Whether closing the window should keep Keel running (schedules or jobs need this process). */
  shouldStay(): Promise<boolean>;
  /** Ask before quitting while jobs run here; false keeps Keel open. */
  confirmQuit(): Promise<boolean>;
  dispose(): void;
}

/**
 * The tray: Keel keeps running there while schedules are active or jobs run, shows how many jobs
 * are running, opens the window, toggles start at login, and quits only on an explicit Quit
 * (asking first when a job is running).
 */
export function createTray(core: Core, showWindow: () => BrowserWindow): Background {
  const tray = new Tray(nativeImage.createFromPath(TRAY_ICON));
  tray.setToolTip('Keel');
  let running = 0;

  const render = (): void => {
    const login = app.getLoginItemSettings().openAtLogin;
    tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: 'Open Keel', click: () => showWindow().show() },
        { type: 'separator' },
        {
          label:
            running === 0 ? 'No jobs running' : `${running} job${running === 1 ? '' : 's'} running`,
          enabled: false,
        },
        { type: 'separator' },
        {
          label: 'Start Keel at login',
          type: 'checkbox',
          checked: login,
          click: (item) => {
            app.setLoginItemSettings({ openAtLogin: item.checked, openAsHidden: true });
            render();
          },
        },
        { label: 'Quit Keel', click: () => app.quit() },
      ]),
    );
    tray.setToolTip(
      running === 0 ? 'Keel' : `Keel: ${running} job${running === 1 ? '' : 's'} running`,
    );
  };

  const refresh = async (): Promise<void> => {
    running = await core.services.jobs.runningHere();
    render();
  };
  const sub = core.bus.subscribe('jobs.updated', () => void refresh());
  tray.on('click', () => showWindow().show());
  render();

  return {
    async shouldStay() {
      if ((await core.services.jobs.runningHere()) > 0) return true;
      const schedules = await core.services.schedules.list().catch(() => []);
      return schedules.some((s) => s.enabled);
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
      tray.destroy();
    },
  };
}
