import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { App } from 'electron';
import { writeFileAtomic } from '../lib/json-file';

export interface LoginItemDeps {
  platform: NodeJS.Platform;
  app: Pick<App, 'getLoginItemSettings' | 'setLoginItemSettings'>;
  env: NodeJS.ProcessEnv;
  home: string;
  execPath: string;
}

/** "Start Keel at login", per platform; `enabled()` reads the real state back. */
export interface LoginItem {
  enabled(): boolean;
  set(on: boolean): Promise<void>;
  /** Whether this launch came from the login item (then Keel starts in the tray). */
  startHidden(argv: readonly string[]): boolean;
}

const HIDDEN = '--hidden';

/**
 * Electron's login-item API is macOS/Windows only (a no-op on Linux), `openAsHidden` is
 * macOS-only and ignored on macOS 13+ (docs/api/app.md, Electron 40). So: Linux writes an XDG
 * autostart entry (freedesktop Desktop Application Autostart spec) with `--hidden`; Windows
 * registers `--hidden` as args (and must pass the same args to read the state back); macOS asks
 * `wasOpenedAtLogin` at launch.
 */
export function createLoginItem(d: LoginItemDeps): LoginItem {
  if (d.platform === 'linux') return linuxAutostart(d);
  const args = d.platform === 'win32' ? [HIDDEN] : undefined;
  return {
    enabled: () => d.app.getLoginItemSettings(args ? { args } : undefined).openAtLogin,
    set: async (on) => d.app.setLoginItemSettings({ openAtLogin: on, ...(args ? { args } : {}) }),
    startHidden: (argv) =>
      argv.includes(HIDDEN) ||
      (d.platform === 'darwin' && d.app.getLoginItemSettings().wasOpenedAtLogin),
  };
}

function linuxAutostart(d: LoginItemDeps): LoginItem {
  const configHome = d.env.XDG_CONFIG_HOME?.startsWith('/')
    ? d.env.XDG_CONFIG_HOME
    : join(d.home, '.config'); // the spec ignores a relative XDG_CONFIG_HOME
  const dir = join(configHome, 'autostart');
  const file = join(dir, 'keel.desktop');
  // An AppImage runs from a fresh mount each time; $APPIMAGE is the file the user keeps.
  const exe = d.env.APPIMAGE || d.execPath;
  return {
    enabled: () => existsSync(file),
    async set(on) {
      if (!on) return rm(file, { force: true });
      await mkdir(dir, { recursive: true });
      await writeFileAtomic(
        file,
        [
          '[Desktop Entry]',
          'Type=Application',
          'Name=Keel',
          'Comment=Ops console for multi-tenant SaaS data platforms',
          `Exec=${execArg(exe)} ${HIDDEN}`,
          'Terminal=false',
          'X-GNOME-Autostart-enabled=true',
          '',
        ].join('\n'),
        0o644,
      );
    },
    startHidden: (argv) => argv.includes(HIDDEN),
  };
}

/**
 * One Exec argument per the Desktop Entry spec: quoted when it has reserved characters, with
 * `"` `` ` `` `$` `\` backslash-escaped inside the quotes, then `\` escaped again as a string
 * value, and `%` doubled (field codes).
 */
function execArg(arg: string): string {
  const quoted = /[\s"'\\><~|&;$*?#()`]/.test(arg)
    ? `"${arg.replace(/["`$\\]/g, (c) => `\\${c}`)}"`
    : arg;
  return quoted.replace(/\\/g, '\\\\').replace(/%/g, '%%');
}
