import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startFaultProxy, startRedis, stopAll, waitFor } from '../../support';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const supportIndex = fileURLToPath(new URL('../../support/index.ts', import.meta.url));

/** Alive and not a zombie waiting to be reaped. */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/**
 * Starts Redis in a separate Node process that then dies the given way, and reports the server's
 * pid and directory. Vite's module runner loads the TypeScript harness as vitest would.
 */
async function orphanRedis(death: 'exit' | 'SIGKILL'): Promise<{ pid: number; dir: string }> {
  const script = `
    const { runnerImport } = await import('vite');
    const { module } = await runnerImport(${JSON.stringify(supportIndex)}, { configFile: false, logLevel: 'silent' });
    const redis = await module.startRedis({ name: 'orphan' });
    process.stdout.write(JSON.stringify({ pid: redis.pid, dir: redis.dir }) + '\\n', () => {
      if (${JSON.stringify(death)} === 'exit') process.exit(0);
      else process.kill(process.pid, 'SIGKILL');
    });
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const signal = await new Promise<NodeJS.Signals | null>((resolve) =>
    child.on('exit', (_code, sig) => resolve(sig)),
  );
  if (death === 'SIGKILL') expect(signal).toBe('SIGKILL');
  const line = stdout.trim().split('\n').pop();
  if (!line) throw new Error(`orphan script printed nothing; stderr:\n${stderr}`);
  return JSON.parse(line) as { pid: number; dir: string };
}

describe('cleanup', () => {
  it('kills servers and removes their directories when the test process exits', async () => {
    const { pid, dir } = await orphanRedis('exit');
    // The synchronous 'exit' handler gets it (the watchdog would too, a moment later).
    await waitFor(() => !isAlive(pid), { timeoutMs: 2_000, what: `redis pid ${pid} gone` });
    expect(existsSync(dir)).toBe(false);
  });

  it('kills servers and removes their directories when the test process is SIGKILLed', async () => {
    const { pid, dir } = await orphanRedis('SIGKILL');
    // No handler runs on SIGKILL: this is the watchdog's job.
    await waitFor(() => !isAlive(pid) && !existsSync(dir), {
      timeoutMs: 5_000,
      what: `watchdog to kill redis pid ${pid} and remove ${dir}`,
    });
  });

  it('stopAll() stops every server and proxy of this process', async () => {
    const redis = await startRedis({ name: 'stop-all' });
    const proxy = await startFaultProxy({ targetHost: redis.host, targetPort: redis.port });
    const { pid } = redis;
    await stopAll();
    expect(isAlive(pid)).toBe(false);
    expect(existsSync(redis.dir)).toBe(false);
    await expect(
      new Promise((resolve, reject) => {
        const socket = net.connect(proxy.port, proxy.host, () => resolve(socket.destroy()));
        socket.on('error', reject);
      }),
    ).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
