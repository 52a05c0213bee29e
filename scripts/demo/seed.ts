// Build and seed the demo platform before the console starts: a Keel core in this process (the
// CLI's options, on the demo's KEEL_HOME and variables) applies the blueprint, provisions the
// roster in one bulk job and sets a few tenants' statuses, through the same contract methods the
// UI calls; then the stores get their business data directly (rows, documents, keys, points).
import { join } from 'node:path';
import { createCore, type Core } from '../../electron/main/bootstrap';
import { createLogger } from '../../electron/main/lib/logger';
import { loadKeyCipher } from '../../electron/main/secrets/cipher';
import { version } from '../../electron/cli/version';
import type { JobRecord } from '../../shared/jobs';
import type { TenantSummary } from '../../shared/tenants';
import { loadBlueprint, shapesOf } from './columns';
import { seedDocuments } from './documents';
import { seedKeys } from './keys';
import { seedPoints } from './points';
import { makeRng } from './random';
import { bulkYaml, type DemoTenant } from './roster';
import { seedRows } from './rows';
import { errorText, say, secondsSince } from './say';

export interface SeedTargets {
  envId: string;
  home: string;
  /** The KEEL_* variables the console gets. */
  env: NodeJS.ProcessEnv;
  mysqlPort: number;
  redisPort: number;
  influxUrl: string;
  mongoUrl: string;
  tenants: DemoTenant[];
}

/** The core and its running job while they live, so Ctrl-C during seeding can stop them. */
export interface SeedState {
  core?: Core;
  jobId?: string;
}

const ctx = () => ({
  shell: 'cli' as const,
  actor: { type: 'user' as const, name: 'demo-seed' },
  signal: new AbortController().signal,
});

async function call<T>(core: Core, method: string, input: unknown): Promise<T> {
  const r = await core.router.dispatch(method, input, ctx());
  if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
  return r.value as T;
}

/** Start a job and wait for it, saying its progress every 10 % (or every 3 s). */
async function job(
  state: SeedState,
  method: string,
  input: unknown,
  label: string,
): Promise<JobRecord> {
  const core = state.core as Core;
  let id = '';
  let shown = -1;
  let shownAt = 0;
  const sub = core.bus.subscribe('jobs.progress', (e) => {
    const { done, total, message } = e.progress;
    if (e.id !== id || !total) return;
    const tenth = Math.floor((done / total) * 10);
    if (tenth === shown && Date.now() - shownAt < 3_000) return;
    shown = tenth;
    shownAt = Date.now();
    say(`  ${label}: ${done}/${total}${message ? ` (${message})` : ''}`);
  });
  try {
    id = (await call<JobRecord>(core, method, input)).id;
    state.jobId = id;
    const rec = await core.services.jobs.wait(id);
    if (rec.state !== 'completed') {
      throw new Error(`${label} ${rec.state}: ${rec.error?.message ?? 'no reason given'}`);
    }
    return rec;
  } finally {
    state.jobId = undefined;
    sub.dispose();
  }
}

/** Ctrl-C during seeding: cancel the running job (it undoes its tenant in flight), close the core. */
export async function stopSeeding(state: SeedState): Promise<void> {
  const core = state.core;
  if (!core) return;
  state.core = undefined;
  if (state.jobId) await core.router.dispatch('jobs.cancel', { id: state.jobId }, ctx());
  // The servers go away next anyway: do not wait long for a graceful close.
  await Promise.race([core.dispose(), new Promise((r) => setTimeout(r, 3_000))]);
}

/** Time one phase and say how long it took. */
async function phase<T>(
  name: string,
  timings: Map<string, number>,
  fn: () => Promise<T>,
): Promise<T> {
  const t0 = performance.now();
  const out = await fn();
  timings.set(name, performance.now() - t0);
  say(`  ${name}: done in ${secondsSince(t0)}`);
  return out;
}

/** Statuses from the roster: suspensions and marks for deletion, four at a time. */
async function setStatuses(core: Core, envId: string, tenants: DemoTenant[]): Promise<number> {
  const todo = tenants.filter((t) => t.status !== 'active');
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < todo.length) {
        const t = todo[next++] as DemoTenant;
        const ref = { envId, tenantId: t.spec.id, reason: t.reason ?? 'demo' };
        if (t.status === 'suspended') await call(core, 'tenants.suspend', ref);
        else await call(core, 'tenants.markForDeletion', { ...ref, graceDays: 30 });
      }
    }),
  );
  return todo.length;
}

/** Provision the roster (unless the catalog already has tenants); returns the catalog. */
async function provision(state: SeedState, t: SeedTargets, timings: Map<string, number>) {
  const core = state.core as Core;
  await phase('blueprint applied', timings, () =>
    job(state, 'tenants.applyBlueprint', { envId: t.envId }, 'blueprint'),
  );
  const before = (
    await call<{ tenants: TenantSummary[] }>(core, 'tenants.list', { envId: t.envId })
  ).tenants;
  if (before.length > 0) {
    say(
      `the catalog already has ${before.length} tenants (a re-run on the same data): not seeding again`,
    );
    return undefined;
  }
  say(`provisioning ${t.tenants.length} tenants in every store (one bulk job)…`);
  const bulk = await phase('tenants provisioned', timings, () =>
    job(
      state,
      'tenants.bulkProvision',
      { envId: t.envId, format: 'yaml', text: bulkYaml(t.tenants) },
      'provisioning',
    ),
  );
  const result = bulk.result as {
    ok: number;
    failed: number;
    rows: Array<{ id: string; ok: boolean; error?: string }>;
  };
  say(`  ${result.ok} provisioned, ${result.failed} failed`);
  for (const r of result.rows.filter((x) => !x.ok).slice(0, 5)) say(`  ${r.id}: ${r.error}`);
  const changed = await phase('statuses set', timings, () => setStatuses(core, t.envId, t.tenants));
  say(`  ${changed} tenants suspended or marked for deletion`);
  return (await call<{ tenants: TenantSummary[] }>(core, 'tenants.list', { envId: t.envId }))
    .tenants;
}

/** Build and seed; false when there was nothing to seed (a re-run). */
export async function buildAndSeed(t: SeedTargets, state: SeedState): Promise<boolean> {
  const timings = new Map<string, number>();
  const t0 = performance.now();
  say('building the platform from the blueprint (resources/blueprints/default.yaml)…');
  const core = await createCore({
    shell: 'cli',
    version,
    userDataDir: t.home,
    cipher: await loadKeyCipher(join(t.home, 'secret.key')),
    logger: createLogger({ level: t.env.KEEL_LOG_LEVEL ?? 'warn' }),
    env: { ...t.env, KEEL_JOBS_PROGRESS_MS: '500' },
    work: true,
  });
  state.core = core;
  let catalog: TenantSummary[] | undefined;
  try {
    catalog = await provision(state, t, timings);
  } finally {
    // Unless Ctrl-C (stopSeeding) has taken it already.
    if (state.core === core) {
      state.core = undefined;
      await core.dispose();
    }
  }
  if (!catalog) return false;

  say('seeding business data: MySQL rows, Mongo documents, Redis keys, InfluxDB points…');
  const blueprint = await loadBlueprint();
  // In id order, so the seeded rng gives each tenant the same data on every run.
  const live = catalog
    .filter((x) => x.status !== 'purged')
    .sort((a, b) => a.id.localeCompare(b.id));
  const tenants = live.map((x) => ({
    id: x.id,
    plan: x.plan,
    status: x.status,
    ...(x.placement.database && { database: x.placement.database }),
  }));
  const [rows, docs, keys, points] = await Promise.all([
    phase('MySQL rows', timings, () =>
      seedRows(t.mysqlPort, shapesOf(blueprint), tenants, makeRng(1)),
    ),
    phase('Mongo documents', timings, () =>
      seedDocuments(t.mongoUrl, blueprint, tenants, makeRng(2)),
    ),
    phase('Redis keys', timings, () => seedKeys(t.redisPort, blueprint, tenants, makeRng(3))),
    phase('InfluxDB points', timings, () =>
      seedPoints(t.influxUrl, blueprint, tenants, makeRng(4)),
    ),
  ]).catch((e: unknown) => {
    throw new Error(`seeding business data failed: ${errorText(e)}`);
  });
  say(
    `seeded ${rows.rows} rows in ${rows.tables} tables, ${docs.documents} documents in ${docs.collections} collections, ${keys.keys} Redis keys, ${points.points} points in ${points.databases} InfluxDB databases`,
  );
  const summary = [...timings].map(([k, ms]) => `${k} ${(ms / 1000).toFixed(1)} s`).join(', ');
  say(`platform ready in ${secondsSince(t0)} (${summary})`);
  return true;
}
