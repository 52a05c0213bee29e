import { KeelError } from '../../../shared/errors';
import type { CoreOptions } from '../core-types';
import type { DomainHandlers } from '../router/domain';
import type { SecretStore } from '../secrets/secret-store';
import type { PrefsService } from './prefs.service';

/** system.*: what this Keel is, and the desktop's link opener. */
export function systemHandlers(o: CoreOptions, secrets: SecretStore): DomainHandlers<'system'> {
  return {
    'system.info': () => ({
      name: 'Keel',
      version: o.version,
      shell: o.shell,
      platform: `${process.platform}-${process.arch}`,
      node: process.versions.node,
      ...(o.electron && { electron: o.electron }),
      userDataDir: o.userDataDir,
      secretStorage: secrets.backend,
    }),
    'system.openExternal': async ({ url }) => {
      if (!o.platform) throw new KeelError('UNSUPPORTED', 'opening links needs the desktop app');
      return { opened: await o.platform.openLink(url) };
    },
  };
}

/** prefs.* */
export function prefsHandlers(prefs: PrefsService): DomainHandlers<'prefs'> {
  return {
    'prefs.get': () => prefs.get(),
    'prefs.set': (patch) => prefs.set(patch),
  };
}
