import envPaths from 'env-paths';

/**
 * The user-data directory of the headless shells: `KEEL_HOME` if set, else the platform's config
 * directory (~/.config/keel on Linux). The desktop app uses Electron's `userData` instead.
 */
export function defaultUserDataDir(env = process.env): string {
  return env.KEEL_HOME ?? envPaths('keel', { suffix: '' }).config;
}
