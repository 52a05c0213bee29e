import { mkdir } from 'node:fs/promises';
import { pino } from 'pino';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCore, type Core } from '../main/bootstrap';
import { createLogger, type Logger } from '../main/lib/logger';
import { defaultUserDataDir } from '../main/paths';
import { loadKeyCipher } from '../main/secrets/cipher';
import { version } from './version';

export interface CliCoreOptions {
  shell: 'cli' | 'server' | 'agent';
  probes: boolean;
  /** Collect metrics and evaluate alerts (default: as `probes`). */
  monitor?: boolean;
  /** Run job workers and drive schedules in this process. */
  work?: boolean;
  logLevel?: string;
  /** Logs go to stderr, except the agent's, which go to stdout (a service's log stream). */
  logTo?: 'stdout' | 'stderr';
}

/** Long jobs run on worker threads from the built thread entry beside this file. */
const JOB_THREAD_FILE = fileURLToPath(new URL('./job-thread.js', import.meta.url));

/** The services without Electron: key-file secrets, KEEL_* environment, logs on stderr (agent: stdout). */
export async function createCliCore(
  o: CliCoreOptions,
): Promise<Core & { userDataDir: string; logger: Logger }> {
  const userDataDir = defaultUserDataDir();
  await mkdir(userDataDir, { recursive: true, mode: 0o700 });
  const logger = createLogger({
    level: o.logLevel ?? process.env.KEEL_LOG_LEVEL ?? (o.shell === 'cli' ? 'warn' : 'info'),
    // pino.destination(1): synchronous-safe stdout for the agent's log stream.
    ...(o.logTo === 'stdout' && {
      destination: pino.destination(1) as unknown as NodeJS.WritableStream,
    }),
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
    ...(o.monitor !== undefined && { monitor: o.monitor }),
    work: Boolean(o.work),
    ...(existsSync(JOB_THREAD_FILE) && { jobThreadFile: JOB_THREAD_FILE }),
  });
  return { ...core, userDataDir, logger };
}
