import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getMethodSpec, methodEntries } from '../../shared/contract/index';
import { CLI, requireCli } from '../support/agent';
import { snapshotTree } from '../support/file-snapshot';
import { wireCalls, type WireCall } from '../support/wire-payloads';

interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** `keel --json call <method> - [--yes]` with the input on stdin (argv cannot carry 100 KB). */
function keelCall(home: string, c: WireCall): Promise<Ran> {
  const destructive = Boolean(getMethodSpec(c.method)?.destructive);
  const args = [CLI, '--json', 'call', c.method, '-', ...(destructive ? ['--yes'] : [])];
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, args, {
      env: { ...process.env, KEEL_HOME: home, KEEL_LOG_LEVEL: 'warn' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += String(d)));
    p.stderr.on('data', (d) => (stderr += String(d)));
    const timer = setTimeout(() => p.kill('SIGKILL'), 60_000);
    p.once('error', reject);
    p.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
    p.stdin.end(c.text);
  });
}

/**
 * The CLI is the third transport: a bad payload given to `keel call` exits 2 with VALIDATION on
 * stdout and changes nothing under KEEL_HOME. One process per call costs about a second, so each
 * method gets one payload, the kinds rotating over the methods (hostile value, wrong type, missing
 * field, extra key …) rather than the thousands HTTP and the WebSocket get.
 */
describe('bad payloads through `keel call` (the built CLI)', () => {
  let home: string;

  beforeAll(async () => {
    requireCli();
    home = await mkdtemp(join(tmpdir(), 'keel-cli-bad-'));
    // The first call makes the state directory (secret key, prefs): that is not a bad call's doing.
    const first = await keelCall(home, { method: 'system.info', text: '{}' });
    expect(first.status, first.stderr).toBe(0);
  }, 300_000);
  afterAll(() => rm(home, { recursive: true, force: true }));

  it(
    'exits 2 with VALIDATION for every method and leaves KEEL_HOME as it was',
    { timeout: 900_000 },
    async () => {
      const all = wireCalls(3, false);
      const chosen = methodEntries.map(([id], i) => {
        const mine = all.filter((c) => c.method === id);
        return mine[(i * 7) % mine.length]!;
      });
      const before = await snapshotTree(home);
      expect(Object.keys(before).length).toBeGreaterThan(0);
      const wrong: string[] = [];
      for (let i = 0; i < chosen.length; i += 2) {
        await Promise.all(
          chosen.slice(i, i + 2).map(async (c) => {
            const r = await keelCall(home, c);
            let code = 'no JSON on stdout';
            try {
              code = (JSON.parse(r.stdout) as { error?: { code?: string } }).error?.code ?? 'ok';
            } catch {
              // keep the message above
            }
            if (r.status !== 2 || code !== 'VALIDATION')
              wrong.push(
                `${c.method} ${c.text.slice(0, 60)} → exit ${r.status} ${code} ${r.stderr.slice(0, 200)}`,
              );
          }),
        );
      }
      expect(wrong).toEqual([]);
      expect(await snapshotTree(home)).toEqual(before);
    },
  );
});
