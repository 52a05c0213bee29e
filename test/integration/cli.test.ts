import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisHandle } from '../support';

const CLI = join(process.cwd(), 'out/main/cli.js');

/** The built CLI, as scripts and cron use it. `npm test` builds before this suite runs. */
describe.skipIf(!existsSync(CLI))(
  'keel CLI (out/main/cli.js; skipped only when the build is missing)',
  () => {
    let home: string;
    let redis: RedisHandle;
    beforeAll(async () => {
      home = await mkdtemp(join(tmpdir(), 'keel-cli-'));
      redis = await startRedis({ name: 'cli' });
    });
    afterAll(async () => {
      await redis.stop();
      await rm(home, { recursive: true, force: true });
    });

    const keel = (args: string[], env: NodeJS.ProcessEnv = {}, input?: string) =>
      spawnSync(process.execPath, [CLI, ...args], {
        env: { ...process.env, KEEL_HOME: home, ...env },
        encoding: 'utf8',
        input,
        timeout: 30_000,
      });

    it('prints machine-readable JSON with --json and exits 0', () => {
      const r = keel(['--json', 'info']);
      expect(r.status).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({
        name: 'Keel',
        shell: 'cli',
        secretStorage: { backend: 'key-file', safe: true },
      });
    });

    it('exits 2 on bad usage and bad input, with the reason', () => {
      const unknownCommand = keel(['frobnicate']);
      expect(unknownCommand.status).toBe(2);
      const badInput = keel(['--json', 'call', 'prefs.set', '{"theme":"purple"}']);
      expect(badInput.status).toBe(2);
      expect(JSON.parse(badInput.stdout)).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION' },
      });
      const destructive = keel(['call', 'environments.remove', '{"envId":"x","confirm":"x"}']);
      expect(destructive.status).toBe(2);
      expect(destructive.stderr).toMatch(/--yes/);
    });

    it('exits 1 when the operation fails', () => {
      const r = keel(['call', 'jobs.get', '{"id":"j_missing"}']);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/NOT_FOUND/);
    });

    it('probes an environment from KEEL_* variables; exit 1 when a store is down', () => {
      const env = { KEEL_ENV_ID: 'ops', KEEL_CONN_CACHE_URI: `redis://127.0.0.1:${redis.port}/0` };
      const ok = keel(['--json', 'health', '-e', 'ops'], env);
      expect(ok.status).toBe(0);
      expect(JSON.parse(ok.stdout)[0]).toMatchObject({ connectionId: 'cache', status: 'up' });
      const down = keel(['health', '-e', 'ops'], {
        ...env,
        KEEL_CONN_GONE_URI: 'redis://127.0.0.1:1/0',
      });
      expect(down.status).toBe(1);
      expect(down.stdout).toMatch(/gone\s+primary\s+redis.*down/);
    });

    it('imports and exports an environment as YAML', async () => {
      const file = join(home, 'staging.yaml');
      await writeFile(
        file,
        `keel: environment/v1\nid: staging\nname: Staging\nconnections:\n  - {id: cache, name: Cache, kind: redis, role: cache, host: 127.0.0.1, port: ${redis.port}}\n`,
      );
      expect(keel(['env', 'import', file]).status).toBe(2); // needs --yes
      expect(keel(['env', 'import', file, '--yes']).status).toBe(0);
      const out = keel(['env', 'export', 'staging']);
      expect(out.status).toBe(0);
      expect(out.stdout).toContain('keel: environment/v1');
      expect(out.stdout).toContain(`port: ${redis.port}`);
    });

    it('serve: refuses a non-loopback address without --allow-remote', () => {
      const r = keel(['serve', '--host', '0.0.0.0', '--port', '0']);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/--allow-remote/);
    });

    it('serve: generates the token once (mode 0600), prints it once, and warns on --allow-remote', async () => {
      const first = await serveOnce(['serve', '--port', '0']);
      expect(first.stdout).toMatch(/\?token=[\w-]{20,}/);
      expect((await stat(join(home, 'server-token'))).mode & 0o777).toBe(0o600);
      const second = await serveOnce(['serve', '--port', '0']);
      expect(second.stdout).not.toMatch(/token=/);
      const remote = await serveOnce([
        'serve',
        '--host',
        '0.0.0.0',
        '--allow-remote',
        '--port',
        '0',
      ]);
      expect(remote.stderr).toMatch(/WARNING: listening on 0\.0\.0\.0/);
    });

    /** Start serve, read its first line, stop it with SIGTERM. */
    function serveOnce(args: string[]): Promise<{ stdout: string; stderr: string }> {
      return new Promise((resolve, reject) => {
        const p = spawn(process.execPath, [CLI, ...args, '--no-probes'], {
          env: { ...process.env, KEEL_HOME: home },
        });
        let stderr = '';
        let stdout = '';
        p.stderr.on('data', (d) => (stderr += String(d)));
        createInterface({ input: p.stdout }).on('line', (line) => {
          stdout += line + '\n';
          if (stdout.split('\n').length > 2) p.kill('SIGTERM');
        });
        p.on('exit', () => resolve({ stdout, stderr }));
        p.on('error', reject);
        setTimeout(() => p.kill('SIGKILL'), 20_000).unref();
      });
    }
  },
);
