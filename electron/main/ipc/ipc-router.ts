import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent, type WebFrameMain } from 'electron';
import { methodEntries } from '../../../shared/contract/index';
import { eventChannel, methodChannel } from '../../../shared/ipc/channels';
import type { Actor } from '../../../shared/jobs';
import type { Disposable } from '../lib/disposables';
import type { EventBus } from '../lib/event-bus';
import type { Router } from '../router/router';

/**
 * Registers every contract method on `ipcMain.handle` (one channel each) and forwards every
 * contract event to the app's windows. A call is served only when it comes from the main frame
 * of one of our windows showing our own origin; anything else gets FORBIDDEN.
 */
export function registerIpc(o: {
  router: Router;
  bus: EventBus;
  actor: Actor;
  isAppUrl: (url: string) => boolean;
  windows: () => BrowserWindow[];
}): Disposable {
  const shutdown = new AbortController();
  for (const [id] of methodEntries) {
    ipcMain.handle(methodChannel(id), async (event: IpcMainInvokeEvent, input: unknown) => {
      if (!trusted(event, o.isAppUrl, o.windows)) {
        return {
          ok: false,
          error: { code: 'FORBIDDEN', message: 'caller is not the Keel window' },
        };
      }
      return o.router.dispatch(id, input, {
        shell: 'desktop',
        actor: o.actor,
        signal: shutdown.signal,
      });
    });
  }
  const sub = o.bus.subscribeAll((topic, payload) => {
    for (const w of o.windows()) {
      if (!w.isDestroyed()) w.webContents.send(eventChannel(topic), payload);
    }
  });
  return {
    dispose: () => {
      shutdown.abort();
      sub.dispose();
      for (const [id] of methodEntries) ipcMain.removeHandler(methodChannel(id));
    },
  };
}

function trusted(
  event: IpcMainInvokeEvent,
  isAppUrl: (u: string) => boolean,
  windows: () => BrowserWindow[],
): boolean {
  const frame: WebFrameMain | null = event.senderFrame;
  if (!frame || frame.parent !== null) return false; // only main frames, never iframes
  if (!windows().some((w) => w.webContents.id === event.sender.id)) return false;
  return isAppUrl(frame.url);
}
