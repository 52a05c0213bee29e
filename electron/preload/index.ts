/**
 * The whole bridge between the sandboxed renderer and main: `invoke` for contract methods and
 * `subscribe` for contract topics, both restricted to the `keel:` channel prefix. No other
 * channel, and no Node or Electron object, reaches the page.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';

const PREFIX = 'keel:';
const EVENT_PREFIX = 'keel:event:';
const NAME = /^[a-z][a-zA-Z0-9]{0,40}\.[a-z][a-zA-Z0-9]{0,60}$/;

function checked(name: unknown): string {
  if (typeof name !== 'string' || !NAME.test(name)) throw new Error('invalid Keel channel name');
  return name;
}

contextBridge.exposeInMainWorld('keel', {
  shell: 'desktop',
  invoke: (method: string, input: unknown): Promise<unknown> =>
    ipcRenderer.invoke(PREFIX + checked(method), input),
  subscribe: (topic: string, listener: (payload: unknown) => void): (() => void) => {
    const channel = EVENT_PREFIX + checked(topic);
    const handler = (_e: IpcRendererEvent, payload: unknown): void => listener(payload);
    ipcRenderer.on(channel, handler);
    return () => void ipcRenderer.removeListener(channel, handler);
  },
});
