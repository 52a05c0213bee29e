import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { blueprintSchema, type Blueprint } from '../../shared/blueprint';

/**
 * resources/blueprints/default.yaml reproduces the seeds' platform (000: Mongo layout, 001: the
 * MySQL databases and partitioned tables, 002: plans). These tests pin what a user of the
 * console would notice, and check that bad blueprints are refused with the path of each error.
 */

const FILE = fileURLToPath(new URL('../../resources/blueprints/default.yaml', import.meta.url));
const source = readFileSync(FILE, 'utf8');
/** The raw YAML document: a fresh copy per call, to be broken by a test. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests reach into it freely
const raw = (): Record<string, any> => parse(source) as Record<string, any>;
const bp: Blueprint = blueprintSchema.parse(raw());

const tables = bp.mysql.databases.flatMap((db) => db.tables.map((t) => ({ db: db.name, ...t })));

/** The paths of every issue, as arrays; throws if the input was accepted. */
function issuePaths(input: unknown): PropertyKey[][] {
  const r = blueprintSchema.safeParse(input);
  if (r.success) throw new Error('the blueprint was accepted');
  return r.error.issues.map((i) => i.path);
}

/** Index of a database / table in the raw document, so paths below read as names. */
const dbIndex = (name: string): number => bp.mysql.databases.findIndex((d) => d.name === name);
const tableIndex = (db: string, table: string): number =>
  bp.mysql.databases[dbIndex(db)]!.tables.findIndex((t) => t.name === table);

describe('default blueprint (resources/blueprints/default.yaml)', () => {
  it('parses, with the catalog in saas_unified_core and prices in CNY', () => {
    expect(bp).toMatchObject({
      blueprint: 1,
      version: 1,
      currency: 'CNY',
      catalog: { role: 'core', database: 'saas_unified_core' },
    });
    expect(bp.name).toBeTruthy();
  });

  it('has the six MySQL databases of seed 001, all on role core', () => {
    expect(bp.mysql.databases.map((d) => d.name).sort()).toEqual(
      [
        'ai_agent_platform',
        'core_business_platform',
        'customer_management',
        'health_management',
        'saas_unified_core',
        'wework_platform',
      ].sort(),
    );
    for (const db of bp.mysql.databases) {
      expect(db.role, db.name).toBe('core');
      expect(db.tables.length, db.name).toBeGreaterThanOrEqual(2);
      expect(db.tables.length, db.name).toBeLessThanOrEqual(4);
    }
    expect(bp.mysql.tenantDatabase).toBe('tenant_{tenant}');
  });

  it('partitions exactly the seven tables of seed 001, monthly on created_at, 3 back and 3 ahead', () => {
    const partitioned = tables.filter((t) => t.partition);
    expect(partitioned.map((t) => t.name).sort()).toEqual(
      [
        'ai_call_logs',
        'ai_platform_metrics',
        'customer_behavior_events',
        'health_device_logs',
        'saas_unified_audit_logs',
        'wework_callback_logs',
        'wework_message_records',
      ].sort(),
    );
    expect(partitioned.find((t) => t.name === 'saas_unified_audit_logs')?.db).toBe(
      'saas_unified_core',
    );
    for (const t of partitioned) {
      expect(t.partition, t.name).toEqual({
        column: 'created_at',
        by: 'month',
        historyMonths: 3,
        aheadMonths: 3,
        // Defaults of the policy fields the seed's entries do not spell out.
        expression: 'columns',
        retention: null,
        archive: true,
      });
      // Seed 001: partitioned tables have the composite key (id, partition column); MySQL wants
      // the partition column in every unique key, and no foreign keys on partitioned tables.
      expect(t.columns, t.name).toMatch(/^\s*PRIMARY KEY \(id, created_at\)/m);
      expect(t.columns, t.name).toMatch(/^\s*created_at DATETIME\(3\) NOT NULL/m);
      for (const unique of t.columns.match(/UNIQUE KEY \w+ \([^)]*\)/g) ?? []) {
        expect(unique, t.name).toContain('created_at');
      }
    }
  });

  it('gives every table a VARCHAR(36) id, tenant_id VARCHAR(36) NOT NULL and an index led by tenant_id', () => {
    for (const t of tables) {
      expect(t.columns, t.name).toContain('\n'); // a block scalar, one column a line
      expect(t.columns, t.name).toMatch(/^\s*id VARCHAR\(36\) NOT NULL,/m);
      expect(t.columns, t.name).toMatch(/^\s*tenant_id VARCHAR\(36\) NOT NULL,/m);
      expect(t.columns, t.name).toMatch(/^\s*(UNIQUE )?KEY \w+ \(tenant_id[,)]/m);
      expect(t.columns, t.name).not.toMatch(/FOREIGN KEY|REFERENCES/i);
      expect(t.tenantColumn).toBe('tenant_id');
    }
  });

  it('leaves the catalog table names to Keel', () => {
    const reserved = [
      'tenants',
      'plans',
      'tenant_status_history',
      'tenant_provisioning',
      'tenant_provision_step',
    ];
    expect(tables.filter((t) => reserved.includes(t.name))).toEqual([]);
  });

  it('has the plans of seed 002 (mcp_services → services; enterprise custom and unlimited)', () => {
    expect(bp.plans).toEqual({
      free: { price: 0, apiCalls: 1000, storageMb: 100, users: 1, services: 1 },
      basic: { price: 99, apiCalls: 10000, storageMb: 1000, users: 5, services: 5 },
      pro: { price: 499, apiCalls: 100000, storageMb: 10000, users: 20, services: 20 },
      enterprise: { price: null, apiCalls: null, storageMb: null, users: null, services: null },
    });
    expect(Object.keys(bp.plans)).toEqual(['free', 'basic', 'pro', 'enterprise']);
  });

  it('offers the tiers to the right plans', () => {
    expect(bp.tiers.shared.plans).toEqual(['free', 'basic', 'pro']);
    expect(bp.tiers.dedicated_schema.plans).toEqual(['pro', 'enterprise']);
    expect(bp.tiers.dedicated_instance.plans).toEqual(['enterprise']);
  });

  it("has seed 000's platform_db collections and indexes", () => {
    const { platform } = bp.mongo;
    expect(platform).toMatchObject({ role: 'platform_db', database: 'platform_db' });
    const names = platform.collections.map((c) => c.name);
    for (const name of [
      'users',
      'tenants',
      'platform_configs',
      'platform_agents',
      'llm_providers',
      'billing_plans',
      'billing_records',
      'invoices',
      'usage_records',
      'operation_logs',
      'platform_statistics',
    ]) {
      expect(names).toContain(name);
    }
    expect(new Set(names).size).toBe(names.length);
    const indexes = (name: string) => platform.collections.find((c) => c.name === name)?.indexes;
    expect(indexes('users')).toEqual([
      { keys: { username: 1 }, unique: true, sparse: false },
      { keys: { email: 1 }, unique: true, sparse: false },
      { keys: { tenant_id: 1 }, unique: false, sparse: false },
    ]);
    expect(indexes('tenants')).toEqual([
      { keys: { tenant_id: 1 }, unique: true, sparse: false },
      { keys: { domain: 1 }, unique: true, sparse: true },
      { keys: { status: 1 }, unique: false, sparse: false },
      { keys: { tier: 1 }, unique: false, sparse: false },
    ]);
  });

  it("has seed 000's tenant collections, each with a tenant_id index", () => {
    const { business } = bp.mongo;
    expect(business).toMatchObject({
      role: 'business_db',
      database: 'business_db',
      collectionPrefix: 'tenant_{tenant}_',
    });
    const byName = new Map(business.tenantCollections.map((c) => [c.name, c]));
    expect([...byName.keys()]).toEqual([
      'users',
      'agents',
      'workflows',
      'plugins',
      'knowledge_bases',
      'data_sources',
      'analysis_reports',
      'business_data',
      'statistics',
    ]);
    for (const c of business.tenantCollections) {
      expect(
        c.indexes.some((i) => Object.keys(i.keys)[0] === 'tenant_id'),
        `${c.name} has an index led by tenant_id`,
      ).toBe(true);
      expect(
        c.indexes.some((i) => i.unique),
        `${c.name} has a unique natural key`,
      ).toBe(true);
    }
    const keysOf = (name: string) =>
      byName.get(name)!.indexes.map((i) => [Object.keys(i.keys).join(','), i.unique]);
    expect(keysOf('users')).toEqual([
      ['username', true],
      ['email', true],
      ['tenant_id', false],
      ['created_at', false],
    ]);
    expect(keysOf('agents')).toEqual([
      ['agent_id', true],
      ['tenant_id', false],
      ['status', false],
      ['created_at', false],
    ]);
    for (const name of ['users', 'agents']) {
      expect(byName.get(name)!.validator, name).toMatchObject({
        $jsonSchema: {
          bsonType: 'object',
          required: expect.arrayContaining(['tenant_id']),
          properties: { tenant_id: { bsonType: 'string' } },
        },
      });
    }
  });

  it('has no tenant collection whose name ends with "_" + another one (tenant ids could collide)', () => {
    // tenant_{acme}_data_sources and tenant_{acme_data}_sources would be the same collection.
    const names = bp.mongo.business.tenantCollections.map((c) => c.name);
    for (const a of names)
      for (const b of names) expect(a.endsWith(`_${b}`), `${a} / ${b}`).toBe(false);
  });

  it('has the Redis and InfluxDB conventions', () => {
    expect(bp.redis).toEqual({
      role: 'cache',
      businessDb: 1,
      keyPrefix: 't:{tenant}:',
      aclUser: 'tenant_{tenant}',
      aclCommands: '+@all -@admin -@dangerous',
    });
    expect(bp.influx).toEqual({
      role: 'metrics',
      database: 'platform_metrics',
      tenantBucket: 'tenant_{tenant}',
      retentionDays: 30,
    });
  });
});

describe('bad blueprints are refused with the path of every error', () => {
  it('a table name used in two databases', () => {
    const doc = raw();
    const dup = structuredClone(doc.mysql.databases[dbIndex('customer_management')].tables[0]);
    const health = doc.mysql.databases[dbIndex('health_management')];
    health.tables.push(dup);
    expect(issuePaths(doc)).toEqual([
      [
        'mysql',
        'databases',
        dbIndex('health_management'),
        'tables',
        health.tables.length - 1,
        'name',
      ],
    ]);
  });

  it('a table name used twice in one database', () => {
    const doc = raw();
    const core = doc.mysql.databases[dbIndex('saas_unified_core')];
    core.tables.push({ ...core.tables[0], partition: undefined });
    expect(issuePaths(doc)).toEqual([
      [
        'mysql',
        'databases',
        dbIndex('saas_unified_core'),
        'tables',
        core.tables.length - 1,
        'name',
      ],
    ]);
  });

  it('a partition column that is not among the columns', () => {
    const doc = raw();
    const [i, j] = [
      dbIndex('health_management'),
      tableIndex('health_management', 'health_device_logs'),
    ];
    doc.mysql.databases[i].tables[j].partition.column = 'recorded_at';
    expect(issuePaths(doc)).toEqual([
      ['mysql', 'databases', i, 'tables', j, 'partition', 'column'],
    ]);
  });

  it('a tier naming an unknown plan', () => {
    const doc = raw();
    doc.tiers.shared.plans.push('gold');
    doc.tiers.dedicated_instance.plans = ['platinum'];
    expect(issuePaths(doc)).toEqual([
      ['tiers', 'shared', 'plans', 3],
      ['tiers', 'dedicated_instance', 'plans', 0],
    ]);
  });

  it.each([
    'customers`; DROP TABLE x',
    'core.customers',
    'Customers',
    '1customers',
    'a'.repeat(49),
  ])('a table name that is not a plain lower-case word: %s', (name) => {
    const doc = raw();
    const i = dbIndex('customer_management');
    doc.mysql.databases[i].tables[0].name = name;
    expect(issuePaths(doc)).toEqual([['mysql', 'databases', i, 'tables', 0, 'name']]);
  });

  it('templates with a placeholder other than {tenant}', () => {
    const doc = raw();
    doc.mysql.tenantDatabase = 'tenant_{id}';
    doc.mongo.business.collectionPrefix = 'tenant_{tenant_id}_';
    doc.redis.aclUser = 'tenant_{TENANT}';
    doc.influx.tenantBucket = 'tenant-{tenant}';
    expect(issuePaths(doc)).toEqual([
      ['mysql', 'tenantDatabase'],
      ['mongo', 'business', 'collectionPrefix'],
      ['redis', 'aclUser'],
      ['influx', 'tenantBucket'],
    ]);
  });

  it("the seed's literal 'custom' / 'unlimited' instead of null, and a typo'd key", () => {
    const doc = raw();
    doc.plans.enterprise.price = 'custom';
    doc.plans.enterprise.apiCalls = 'unlimited';
    doc.plans.pro.mcp_services = 20;
    doc.mysql.databases[0].tables[0].partiton = { column: 'created_at', by: 'month' };
    const paths = issuePaths(doc);
    expect(paths).toHaveLength(4);
    expect(paths).toEqual(
      expect.arrayContaining([
        ['plans', 'enterprise', 'price'],
        ['plans', 'enterprise', 'apiCalls'],
        ['plans', 'pro'],
        ['mysql', 'databases', 0, 'tables', 0],
      ]),
    );
  });

  it('every error of one file at once', () => {
    const doc = raw();
    const c = dbIndex('customer_management');
    const h = dbIndex('health_management');
    const logs = tableIndex('health_management', 'health_device_logs');
    doc.mysql.databases[c].tables[0].name = 'bad`name';
    doc.mysql.databases[h].tables[0].name = 'customer_tags'; // also in customer_management
    doc.mysql.databases[h].tables[logs].partition.column = 'recorded_at';
    doc.tiers.dedicated_schema.plans.push('gold');
    doc.redis.aclUser = 'tenant_{id}';
    expect(issuePaths(doc)).toEqual(
      expect.arrayContaining([
        ['mysql', 'databases', c, 'tables', 0, 'name'],
        ['mysql', 'databases', h, 'tables', 0, 'name'],
        ['mysql', 'databases', h, 'tables', logs, 'partition', 'column'],
        ['tiers', 'dedicated_schema', 'plans', 2],
        ['redis', 'aclUser'],
      ]),
    );
    expect(issuePaths(doc)).toHaveLength(5);
  });
});

/** Checks across fields: mistakes that would make tenants share objects or break the catalog. */
describe('blueprint cross-checks', () => {
  it('refuses a template without {tenant} (every tenant would share the object)', () => {
    const doc = raw();
    doc.mysql.tenantDatabase = 'tenant_db';
    doc.mongo.business.collectionPrefix = 'tenant_';
    doc.redis.keyPrefix = 't:';
    expect(issuePaths(doc)).toEqual([
      ['mysql', 'tenantDatabase'],
      ['mongo', 'business', 'collectionPrefix'],
      ['redis', 'keyPrefix'],
    ]);
  });

  it("refuses a Redis key prefix inside Keel's own keys (a tenant could rewrite Keel's records)", () => {
    const doc = raw();
    doc.redis.keyPrefix = 'keel:tenant:{tenant}:';
    expect(issuePaths(doc)).toEqual([['redis', 'keyPrefix']]);
  });

  it("refuses a business table named like one of Keel's catalog tables", () => {
    const doc = raw();
    doc.mysql.databases[dbIndex('saas_unified_core')].tables[0].name = 'tenants';
    expect(issuePaths(doc)).toEqual([
      ['mysql', 'databases', dbIndex('saas_unified_core'), 'tables', 0, 'name'],
    ]);
  });

  it('reports a partition column with a regex character instead of throwing', () => {
    const doc = raw();
    const [i, j] = [
      dbIndex('saas_unified_core'),
      tableIndex('saas_unified_core', 'saas_unified_audit_logs'),
    ];
    doc.mysql.databases[i].tables[j].partition.column = 'created_at(';
    expect(issuePaths(doc)).toEqual([
      ['mysql', 'databases', i, 'tables', j, 'partition', 'column'],
    ]);
  });

  it('refuses a tier naming "constructor" (found on Object.prototype, not a plan)', () => {
    const doc = raw();
    doc.tiers.shared.plans.push('constructor');
    expect(issuePaths(doc)).toEqual([['tiers', 'shared', 'plans', 3]]);
  });
});

describe('tenant collections', () => {
  it('refuses a collection name that ends another (tenant a + data_sources = tenant a_data + sources)', () => {
    const doc = raw();
    doc.mongo.business.tenantCollections.push({ name: 'sources', indexes: [] });
    const paths = issuePaths(doc);
    expect(paths).toHaveLength(1);
    expect(paths[0]?.slice(0, 3)).toEqual(['mongo', 'business', 'tenantCollections']);
  });
});

describe('partition policies', () => {
  const at = (): [number, number] => [
    dbIndex('health_management'),
    tableIndex('health_management', 'health_device_logs'),
  ];
  /** The issues of the blueprint with health_device_logs' `partition:` patched, path → message. */
  function policyIssues(patch: Record<string, unknown>): Array<[string, string]> {
    const doc = raw();
    const [i, j] = at();
    Object.assign(doc.mysql.databases[i].tables[j].partition, patch);
    const r = blueprintSchema.safeParse(doc);
    if (r.success) throw new Error('the blueprint was accepted');
    return r.error.issues.map((x) => [x.path.slice(5).join('.'), x.message]);
  }

  it('keeps the existing entries working, with the defaults of the new fields', () => {
    const t = tables.find((x) => x.name === 'health_device_logs');
    expect(t?.partition).toEqual({
      column: 'created_at',
      by: 'month',
      expression: 'columns',
      historyMonths: 3,
      aheadMonths: 3,
      retention: null,
      archive: true,
    });
  });

  it.each([
    [
      { column: 'metric_type' },
      'partition.column',
      /metric_type is VARCHAR: columns partitioning needs DATE or DATETIME/,
    ],
    [{ column: 'recorded_at' }, 'partition.column', /not among the columns/],
    [
      { expression: 'unix_timestamp' },
      'partition.column',
      /created_at is DATETIME: unix_timestamp partitioning needs TIMESTAMP/,
    ],
    [{ aheadMonths: 0 }, 'partition.aheadMonths', /premake at least 1/],
    [{ aheadMonths: 37 }, 'partition.aheadMonths', /premake at most 36/],
    [
      { retention: 2 },
      'partition.retention',
      /retention 2 is shorter than the 3 intervals of history/,
    ],
    [{ naming: 'p%Y' }, 'partition.naming', /needs %Y %m \(missing %m\)/],
    [{ by: 'day', naming: 'p%Y%m' }, 'partition.naming', /missing %d/],
    [{ naming: 'p`%Y%m' }, 'partition.naming', /lower-case letter/],
    [{ by: 'year' }, 'partition.by', /./],
  ])('refuses %j with the reason', (patch, path, message) => {
    const issues = policyIssues(patch);
    expect(issues).toHaveLength(1);
    expect(issues[0]![0]).toBe(path);
    expect(issues[0]![1]).toMatch(message);
  });

  it('accepts a weekly TO_DAYS policy with retention and its own names', () => {
    const doc = raw();
    const [i, j] = at();
    Object.assign(doc.mysql.databases[i].tables[j].partition, {
      by: 'week',
      expression: 'to_days',
      retention: 52,
      naming: 'w%Y%m%d',
    });
    expect(blueprintSchema.safeParse(doc).success).toBe(true);
  });
});
