import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLoginItem, type LoginItemDeps } from './login-item';

/**
 * `app.get/setLoginItemSettings` as Electron 40 documents them (docs/api/app.md):
 * macOS and Windows only (no-op on Linux, openAtLogin reads false); on Windows `openAtLogin`
 * reads true only when `getLoginItemSettings` gets the same `args` as were set; `openAsHidden`
 * is macOS-only and ignored on macOS 13+; `wasOpenedAtLogin` tells a macOS login launch.
 */
function fakeApp(platform: NodeJS.Platform, launchedAtLogin = false) {
  let stored: { openAtLogin: boolean; args: string[] } = { openAtLogin: false, args: [] };
  return {
    /** What Windows would run at login: the executable with these arguments. */
    registeredArgs: () => stored.args,
    getLoginItemSettings(o?: { args?: string[] }) {
      const sameArgs = JSON.stringify(o?.args ?? []) === JSON.stringify(stored.args);
      const on =
        platform === 'linux'
          ? false
          : platform === 'win32'
            ? stored.openAtLogin && sameArgs
            : stored.openAtLogin;
      return {
        openAtLogin: on,
        openAsHidden: false,
        wasOpenedAtLogin: platform === 'darwin' && launchedAtLogin,
        wasOpenedAsHidden: false,
      };
    },
    setLoginItemSettings(s: { openAtLogin?: boolean; args?: string[] }) {
      if (platform === 'linux') return;
      stored = {
        openAtLogin: Boolean(s.openAtLogin),
        args: platform === 'win32' ? (s.args ?? []) : [],
      };
    },
  };
}

describe('start at login on Linux (XDG autostart)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keel-xdg-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const deps = (env: NodeJS.ProcessEnv, execPath = '/opt/Keel/keel'): LoginItemDeps => ({
    platform: 'linux',
    app: fakeApp('linux') as never,
    env,
    home: join(dir, 'home'),
    execPath,
  });

  it('writes an autostart entry under XDG_CONFIG_HOME that starts hidden, and reads back on', async () => {
    const item = createLoginItem(deps({ XDG_CONFIG_HOME: join(dir, 'cfg') }, '/opt/My Keel/keel'));
    expect(item.enabled()).toBe(false);
    await item.set(true);
    const text = await readFile(join(dir, 'cfg/autostart/keel.desktop'), 'utf8');
    expect(text).toMatch(/^\[Desktop Entry\]\n/);
    expect(text).toContain('Type=Application\n');
    expect(text).toContain('Exec="/opt/My Keel/keel" --hidden\n');
    expect(item.enabled()).toBe(true);
  });

  it('removes the entry when turned off, and reads back off', async () => {
    const item = createLoginItem(deps({ XDG_CONFIG_HOME: join(dir, 'cfg') }));
    await item.set(true);
    await item.set(false);
    await expect(stat(join(dir, 'cfg/autostart/keel.desktop'))).rejects.toMatchObject({
      code: 'ENOENT',
    });
    expect(item.enabled()).toBe(false);
    await item.set(false); // already off: nothing to remove, no error
  });

  it('uses ~/.config without XDG_CONFIG_HOME, and the AppImage path rather than its mount', async () => {
    const item = createLoginItem({
      ...deps({ APPIMAGE: '/home/j/Apps/Keel-0.1.0.AppImage' }, '/tmp/.mount_KeelXYZ/keel'),
    });
    await item.set(true);
    const text = await readFile(join(dir, 'home/.config/autostart/keel.desktop'), 'utf8');
    expect(text).toContain('Exec=/home/j/Apps/Keel-0.1.0.AppImage --hidden\n');
  });

  it('starts hidden when launched by the entry', () => {
    const item = createLoginItem(deps({}));
    expect(item.startHidden(['/opt/Keel/keel', '--hidden'])).toBe(true);
    expect(item.startHidden(['/opt/Keel/keel'])).toBe(false);
  });
});

describe('start at login on Windows and macOS', () => {
  it('Windows: registers with --hidden and reads back on, then off', async () => {
    const app = fakeApp('win32');
    const item = createLoginItem({
      platform: 'win32',
      app: app as never,
      env: {},
      home: 'C:\\Users\\j',
      execPath: 'C:\\Keel\\Keel.exe',
    });
    await item.set(true);
    expect(app.registeredArgs()).toEqual(['--hidden']);
    expect(item.enabled()).toBe(true);
    await item.set(false);
    expect(item.enabled()).toBe(false);
  });

  it('macOS: reads back on, and a login launch starts hidden (wasOpenedAtLogin)', async () => {
    const item = createLoginItem({
      platform: 'darwin',
      app: fakeApp('darwin', true) as never,
      env: {},
      home: '/Users/j',
      execPath: '/Applications/Keel.app/Contents/MacOS/Keel',
    });
    await item.set(true);
    expect(item.enabled()).toBe(true);
    expect(item.startHidden(['/Applications/Keel.app/Contents/MacOS/Keel'])).toBe(true);
  });
});
