import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export const CLI = join(process.cwd(), 'out/main/cli.js');
export const cliBuilt = (): boolean => existsSync(CLI);

/**
 * Suites that run the built CLI build it when it is missing (electron-vite, about 10 s) and fail,
 * never skip, when that build fails, with the build's own output as the reason.
 */
export function requireCli(): void {
  if (cliBuilt()) return;
  const r = spawnSync(
    process.execPath,
    [join(process.cwd(), 'node_modules/electron-vite/bin/electron-vite.js'), 'build'],
    {
      cwd: process.cwd(),
      encoding: 'utf8',
      timeout: 300_000,
    },
  );
  if (r.status !== 0 || !cliBuilt()) {
    throw new Error(
      `${CLI} is missing and \`electron-vite build\` did not make it (exit ${r.status ?? r.signal}): ${(r.stderr || r.stdout || String(r.error ?? '')).slice(-2000)}`,
    );
  }
}

export interface AgentHandle {
  pid: number;
  healthUrl: string;
  /** Every JSON log line so far. */
  logs: Array<Record<string, unknown>>;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
  stop(): Promise<void>;
}

/**
 * A `keel agent` process (the built CLI) with its own KEEL_HOME, ready once it logs "started".
 * Without `monitor` it runs jobs only (the job suites measure jobs, not metric sweeps).
 */
export async function startAgent(
  env: NodeJS.ProcessEnv,
  name = 'agent',
  monitor = false,
  /** More options; a repeated one (`--grace 2`) overrides the defaults above. */
  extraArgs: string[] = [],
): Promise<AgentHandle> {
  const home = await mkdtemp(join(tmpdir(), `keel-${name}-`));
  const proc: ChildProcess = spawn(
    process.execPath,
    [
      CLI,
      'agent',
      '--health-port',
      '0',
      '--grace',
      '5',
      ...(monitor ? [] : ['--no-monitor']),
      ...extraArgs,
    ],
    {
      env: { ...process.env, KEEL_HOME: home, KEEL_LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const logs: Array<Record<string, unknown>> = [];
  let stderr = '';
  proc.stderr?.on('data', (d) => (stderr += String(d)));
  const exited = new Promise<number | null>((resolve) =>
    proc.once('exit', (code) => resolve(code)),
  );
  const healthUrl = await new Promise<string>((resolve, reject) => {
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      try {
        const entry = JSON.parse(line) as Record<string, unknown>;
        logs.push(entry);
        if (entry.msg === 'keel agent started') resolve(String(entry.health));
      } catch {
        // not a log line
      }
    });
    void exited.then((code) =>
      reject(new Error(`keel agent exited (${code}) before starting: ${stderr}`)),
    );
    setTimeout(
      () => reject(new Error(`keel agent did not start within 30 s: ${stderr}`)),
      30_000,
    ).unref();
  });
  let gone = false;
  const kill = async (signal: NodeJS.Signals = 'SIGKILL'): Promise<number | null> => {
    if (!gone) proc.kill(signal);
    gone = true;
    return exited;
  };
  return {
    pid: proc.pid ?? -1,
    healthUrl,
    logs,
    kill,
    stop: async () => {
      await kill('SIGTERM');
      await rm(home, { recursive: true, force: true });
    },
  };
}
