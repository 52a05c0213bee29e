import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlueprintLoader } from '../../../electron/main/services/tenants/blueprints';
import { createDatabaseSql, createTableSql } from '../../../electron/main/services/tenants/ddl';
import type { JobRecord } from '../../../shared/jobs';
import type {
  PartitionsApplyResult,
  PartitionsArchiveResult,
  PartitionsList,
  PartitionsPlan,
} from '../../../shared/partitions';
import { startMariaDb, stopAll, type MariaDbHandle } from '../../support';

const CLI = join(process.cwd(), 'out/main/cli.js');
const TABLE = 'ai_call_logs';

/** `keel partitions list | plan | apply --json` as scripts and cron use them (the built CLI). */
describe.skipIf(!existsSync(CLI))('keel partitions (out/main/cli.js)', () => {
  let db: MariaDbHandle;
  let home: string;
  let env: NodeJS.ProcessEnv;

  const keel = (args: string[]) =>
    spawnSync(process.execPath, [CLI, ...args], {
      env: { ...process.env, KEEL_HOME: home, ...env },
      encoding: 'utf8',
      timeout: 60_000,
    });

  beforeAll(async () => {
    db = await startMariaDb({ name: 'partitions-cli' });
    home = await mkdtemp(join(tmpdir(), 'keel-partitions-cli-'));
    env = { KEEL_ENV_ID: 'plat', KEEL_CONN_CORE_URI: `mysql://root@127.0.0.1:${db.port}/` };
    const { blueprint } = await new BlueprintLoader().load('default');
    const spec = blueprint.mysql.databases.flatMap((d) => d.tables).find((t) => t.name === TABLE)!;
    // Made last month: one of the three months ahead is missing today.
    const then = new Date();
    then.setUTCMonth(then.getUTCMonth() - 1, 1);
    await db.query(createDatabaseSql('tenant_acme'));
    await db.query(createTableSql('tenant_acme', spec, then));
  });
  afterAll(async () => {
    await stopAll();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('lists, plans, applies, then plans nothing', () => {
    const list = keel(['--json', 'partitions', 'list', '-e', 'plat']);
    expect(list.status, list.stderr).toBe(0);
    const tables = (JSON.parse(list.stdout) as PartitionsList).tables;
    expect(tables.map((t) => `${t.schema}.${t.table}`)).toEqual([`tenant_acme.${TABLE}`]);

    const plan = keel(['--json', 'partitions', 'plan', '-e', 'plat']);
    expect(plan.status, plan.stderr).toBe(0);
    const [p] = (JSON.parse(plan.stdout) as PartitionsPlan).plans;
    expect(p).toMatchObject({ status: 'planned', statement: { kind: 'reorganize' } });
    expect(p?.add).toHaveLength(1);

    const apply = keel(['--json', 'partitions', 'apply', '-e', 'plat', '--lock-wait', '3']);
    expect(apply.status, apply.stderr).toBe(0);
    const job = JSON.parse(apply.stdout) as JobRecord;
    expect(job.state).toBe('completed');
    expect((job.result as PartitionsApplyResult).tables).toEqual([
      expect.objectContaining({ status: 'applied', added: p?.add.map((a) => a.name) }),
    ]);

    const again = keel(['partitions', 'plan', '-e', 'plat']);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout.trim()).toBe('nothing to do');
  });

  it('archives a named partition and prints where, dropping nothing', () => {
    const before = (
      JSON.parse(keel(['--json', 'partitions', 'list', '-e', 'plat']).stdout) as PartitionsList
    ).tables[0]!.partitions.map((p) => p.name);
    const oldest = before[0]!;
    const r = keel([
      '--json',
      'partitions',
      'archive',
      '-e',
      'plat',
      '--only',
      `tenant_acme.${TABLE}`,
      '--partition',
      oldest,
    ]);
    expect(r.status, r.stderr).toBe(0);
    const job = JSON.parse(r.stdout) as JobRecord;
    expect(job).toMatchObject({ kind: 'partitions.archive', state: 'completed' });
    const result = job.result as PartitionsArchiveResult;
    expect(result.archives).toEqual([
      expect.objectContaining({ partition: oldest, status: 'archived', rows: 0 }),
    ]);
    expect(existsSync(join(result.archives[0]!.dir!, 'manifest.json'))).toBe(true);
    const after = (
      JSON.parse(keel(['--json', 'partitions', 'list', '-e', 'plat']).stdout) as PartitionsList
    ).tables[0]!.partitions.map((p) => p.name);
    expect(after).toEqual(before);
  });

  it('refuses bad input with exit 2 and the reason', () => {
    const p = keel(['--json', 'partitions', 'archive', '-e', 'plat', '--partition', 'p202001']);
    expect(p.status).toBe(2);
    expect(JSON.parse(p.stdout)).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    const r = keel(['--json', 'partitions', 'apply', '-e', 'plat', '--lock-wait', '0']);
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });
});
