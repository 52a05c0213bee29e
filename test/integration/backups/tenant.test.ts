import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackupSummary } from '../../../shared/backups';
import { loadBackup, readManifestFile } from '../../support/backups';
import { startTenantPlatform, type TenantPlatform } from '../../support/tenants';

const ENV = 'plat';

/** One tenant's backup: its rows of the shared tables (shared tier), or its own schema. */
describe('backups of one tenant', () => {
  let p: TenantPlatform;

  beforeAll(async () => {
    p = await startTenantPlatform('backup-tenant');
    const applied = await p.job('tenants.applyBlueprint', { envId: ENV });
    expect(applied.state, JSON.stringify(applied.error)).toBe('completed');
    for (const [id, plan, tier] of [
      ['acme', 'basic', 'shared'],
      ['globex', 'pro', 'dedicated_schema'],
    ] as const) {
      const rec = await p.job('tenants.provision', {
        envId: ENV,
        spec: { id, name: `${id} Inc`, plan, tier },
      });
      expect(rec.state, JSON.stringify(rec.error)).toBe('completed');
    }
    const customer = (id: string, tenant: string) =>
      p.db.query(
        'INSERT INTO customer_management.customers (id, tenant_id, customer_code, customer_name) VALUES (?, ?, ?, ?)',
        [id, tenant, `c-${id}`, `Customer ${id}`],
      );
    for (const id of ['a1', 'a2', 'a3']) await customer(id, 'acme');
    // Another tenant's rows in the same table must stay out of acme's backup.
    for (const id of ['z1', 'z2']) await customer(id, 'zzz');
    await p.db.query(
      "INSERT INTO tenant_globex.customers (id, tenant_id, customer_code, customer_name) VALUES ('g1', 'globex', 'c-g1', 'G1'), ('g2', 'globex', 'c-g2', 'G2')",
    );
  }, 180_000);

  afterAll(async () => {
    await p?.stop();
  });

  const backup = async (tenantId: string, connectionId = 'core') => {
    const rec = await p.job('backups.run', {
      envId: ENV,
      connectionId,
      scope: { type: 'tenant', tenantId },
    });
    expect(rec.state, JSON.stringify(rec.error)).toBe('completed');
    expect(rec.tenantId).toBe(tenantId);
    const dir = join(p.home, 'backups', ENV, (rec.result as BackupSummary).id);
    return { dir, manifest: await readManifestFile(dir) };
  };

  it('takes a shared-tier tenant’s rows of every shared table, and no one else’s', async () => {
    const { dir, manifest } = await backup('acme');
    const tables = manifest.databases.flatMap((d) => d.tables.map((t) => ({ db: d.name, ...t })));
    expect(tables.length).toBeGreaterThan(10);
    for (const t of tables)
      expect(t.filter, `${t.db}.${t.name}`).toEqual({ column: 'tenant_id', value: 'acme' });
    const customers = tables.find((t) => t.db === 'customer_management' && t.name === 'customers');
    expect(customers?.rows).toBe(3);
    await loadBackup(dir, p.db.port, (d) => `${d}__acme`);
    const loaded = await p.db.query<{ tenant_id: string; n: number }>(
      'SELECT tenant_id, COUNT(*) AS n FROM customer_management__acme.customers GROUP BY tenant_id',
    );
    expect(loaded).toEqual([{ tenant_id: 'acme', n: 3 }]);
  });

  it('takes a dedicated-schema tenant’s whole schema', async () => {
    const { manifest } = await backup('globex');
    expect(manifest.databases.map((d) => d.name)).toEqual(['tenant_globex']);
    const customers = manifest.databases[0]?.tables.find((t) => t.name === 'customers');
    expect(customers).toMatchObject({ rows: 2 });
    expect(customers?.filter).toBeUndefined();
  });

  it('refuses an unknown tenant, and a connection that holds nothing of the tenant', async () => {
    const unknown = await p.refused('backups.run', {
      envId: ENV,
      connectionId: 'core',
      scope: { type: 'tenant', tenantId: 'nobody' },
    });
    expect(unknown.code).toBe('NOT_FOUND');
    expect(unknown.message).toMatch(/nobody/);
    const elsewhere = await p.refused('backups.run', {
      envId: ENV,
      connectionId: 'initech',
      scope: { type: 'tenant', tenantId: 'globex' },
    });
    expect(elsewhere.code).toBe('VALIDATION');
    expect(elsewhere.message).toMatch(/on connection core/);
  });
});
