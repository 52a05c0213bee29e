import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore, type Core } from '../../electron/main/bootstrap';
import { silentLogger } from '../../electron/main/lib/logger';
import { KeyCipher } from '../../electron/main/secrets/cipher';
import type { JobRecord } from '../../shared/jobs';

export const userCtx = {
  shell: 'server' as const,
  actor: { type: 'user' as const, name: 'ops@test' },
  signal: new AbortController().signal,
};

export interface BackupCore {
  core: Core;
  home: string;
  call<T>(method: string, input: unknown): Promise<T>;
  refused(method: string, input: unknown): Promise<{ code: string; message: string }>;
  stop(): Promise<void>;
  wait(id: string): Promise<JobRecord>;
}

/**
 * A Keel core (in-process jobs) on the given KEEL_* connections, state in a temp directory, or
 * in `sharedHome` (left in place on stop) to play the next Keel on another one's state.
 */
export async function startBackupCore(
  name: string,
  env: NodeJS.ProcessEnv,
  sharedHome?: string,
): Promise<BackupCore> {
  const home = sharedHome ?? (await mkdtemp(join(tmpdir(), `keel-${name}-`)));
  const core = await createCore({
    shell: 'server',
    version: 'test',
    userDataDir: home,
    cipher: new KeyCipher('t', Buffer.alloc(32, 7)),
    logger: silentLogger(),
    env: { KEEL_ENV_ID: 'bk', KEEL_JOBS_PROGRESS_MS: '50', ...env },
    work: true,
  });
  const call = async <T>(method: string, input: unknown): Promise<T> => {
    const r = await core.router.dispatch(method, input, userCtx);
    if (!r.ok) throw Object.assign(new Error(r.error.message), r.error);
    return r.value as T;
  };
  const refused = async (method: string, input: unknown) => {
    const r = await core.router.dispatch(method, input, userCtx);
    if (r.ok) throw new Error(`${method} was accepted: ${JSON.stringify(r.value).slice(0, 200)}`);
    return r.error;
  };
  return {
    core,
    home,
    call,
    refused,
    wait: (id) => core.services.jobs.wait(id),
    async stop() {
      await core.dispose();
      if (!sharedHome) await rm(home, { recursive: true, force: true });
    },
  };
}
