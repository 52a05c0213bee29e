import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createCore, type Core } from '../main/bootstrap';
import { createLogger } from '../main/lib/logger';
import { defaultUserDataDir } from '../main/paths';
import { loadKeyCipher } from '../main/secrets/cipher';
import { version } from './version';

export interface CliCoreOptions {
  shell: 'cli' | 'server';
  probes: boolean;
  logLevel?: string;
}

/** The services without Electron: key-file secrets, KEEL_* environment, logs on stderr. */
export async function createCliCore(o: CliCoreOptions): Promise<Core & { userDataDir: string }> {
  const userDataDir = defaultUserDataDir();
  await mkdir(userDataDir, { recursive: true, mode: 0o700 });
  const logger = createLogger({
    level: o.logLevel ?? process.env.KEEL_LOG_LEVEL ?? (o.shell === 'cli' ? 'warn' : 'info'),
  });
  const cipher = await loadKeyCipher(join(userDataDir, 'secret.key'));
  const core = await createCore({
    shell: o.shell,
    version,
    userDataDir,
    cipher,
    logger,
    env: process.env,
    probes: o.probes,
  });
  return { ...core, userDataDir };
}
