import { KeelError } from '../../../../shared/errors';
import type { TenantSpec, TenantSummary } from '../../../../shared/tenants';
import { jobLive, message, type Ctx, type JobLookup } from './context';

/** The same tenant asked for again (a re-run), not another one with the same id. */
export function sameTenant(have: TenantSummary, spec: TenantSpec): boolean {
  return have.name === spec.name && have.plan === spec.plan && have.tier === spec.tier;
}

/** Checks that need only the blueprint and the environment. */
export function checkStatic(c: Ctx, spec: TenantSpec): void {
  const b = c.targets.blueprint;
  if (!(spec.plan in b.plans)) {
    throw new KeelError(
      'VALIDATION',
      `unknown plan ${spec.plan}; plans are ${Object.keys(b.plans).join(', ')}`,
    );
  }
  if (!b.tiers[spec.tier].plans.includes(spec.plan)) {
    throw new KeelError(
      'VALIDATION',
      `plan ${spec.plan} cannot use the ${spec.tier.replace('_', ' ')} tier (it is for ${b.tiers[spec.tier].plans.join(', ')})`,
    );
  }
  if (spec.tier === 'dedicated_instance') {
    const conn = c.env.connections.find((x) => x.id === spec.instanceConnectionId);
    if (!conn || conn.kind !== 'mysql') {
      throw new KeelError(
        'VALIDATION',
        `no MySQL connection ${spec.instanceConnectionId} in ${c.env.id}`,
      );
    }
    if (conn.role !== `tenant:${spec.id}`) {
      throw new KeelError(
        'VALIDATION',
        `connection ${conn.id} has role "${conn.role}": a dedicated instance is a connection with role "tenant:${spec.id}"`,
      );
    }
  }
}

/** What the catalog holds about a tenant id, as the checks need it. */
export interface Known {
  tenant?: TenantSummary;
  /** The tenant owning the spec's subdomain, if any. */
  subdomainOwner?: string;
  /** The job of a provisioning of this id under way, if any. */
  jobId?: string | null;
}

/** The catalog's answer for one spec (three reads side by side). */
export async function knownOf(c: Ctx, spec: TenantSpec): Promise<Known> {
  const [tenant, owner, running] = await Promise.all([
    c.catalog.find(spec.id),
    spec.subdomain ? c.catalog.subdomainOwner(spec.subdomain) : undefined,
    c.journal.provisioningOf(spec.id),
  ]);
  return {
    ...(tenant && { tenant }),
    ...(owner && { subdomainOwner: owner }),
    ...(running && { jobId: running.jobId }),
  };
}

/** The spec against what the catalog holds: a purged id, another tenant's id or subdomain, a live run. */
export async function checkKnown(
  spec: TenantSpec,
  k: Known,
  o: { allowExisting: boolean; jobId?: string; jobs?: JobLookup | undefined },
): Promise<void> {
  const have = k.tenant;
  if (have) {
    if (have.status === 'purged') {
      throw new KeelError(
        'CONFLICT',
        `tenant id ${spec.id} was used by a purged tenant: choose another id`,
      );
    }
    if (!o.allowExisting || !sameTenant(have, spec)) {
      throw new KeelError(
        'CONFLICT',
        `tenant ${spec.id} already exists (${have.name}, ${have.plan}, ${have.tier})`,
      );
    }
  }
  if (spec.subdomain && k.subdomainOwner && k.subdomainOwner !== spec.id) {
    throw new KeelError(
      'CONFLICT',
      `subdomain ${spec.subdomain} belongs to tenant ${k.subdomainOwner}`,
    );
  }
  if (k.jobId && k.jobId !== o.jobId && (await jobLive(o.jobs, k.jobId))) {
    throw new KeelError('CONFLICT', `tenant ${spec.id} is being provisioned by job ${k.jobId}`);
  }
}

/** Every check before anything is touched: the spec against the blueprint and the catalog. */
export async function check(
  c: Ctx,
  spec: TenantSpec,
  o: { allowExisting: boolean; jobId?: string; jobs?: JobLookup | undefined },
): Promise<void> {
  checkStatic(c, spec);
  if (!c.applied && !(await c.catalog.exists())) return;
  await checkKnown(spec, await knownOf(c, spec), o);
}

/** A bulk list row by row against the blueprint, the catalog and itself; all refused if one is. */
export async function checkBulk(c: Ctx, specs: TenantSpec[]): Promise<void> {
  const problems: string[] = [];
  const existing = new Map((await c.catalog.list()).map((t) => [t.id, t]));
  const subdomains = new Map<string, string>();
  for (const t of existing.values()) if (t.subdomain) subdomains.set(t.subdomain, t.id);
  specs.forEach((s, i) => {
    try {
      checkStatic(c, s);
      const have = existing.get(s.id);
      if (have && !sameTenant(have, s)) {
        throw new KeelError('CONFLICT', `tenant ${s.id} already exists with other settings`);
      }
      const owner = s.subdomain ? subdomains.get(s.subdomain) : undefined;
      if (owner && owner !== s.id) {
        throw new KeelError('CONFLICT', `subdomain ${s.subdomain} belongs to ${owner}`);
      }
      if (s.subdomain) subdomains.set(s.subdomain, s.id);
    } catch (e) {
      problems.push(`row ${i + 1} (${s.id}): ${message(e)}`);
    }
  });
  if (problems.length > 0) {
    throw new KeelError(
      'VALIDATION',
      `${problems.length} row(s) refused, nothing was provisioned: ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? '; …' : ''}`,
      { rows: problems },
    );
  }
}

/** A purge needs the tenant marked for deletion and its grace period over. */
export function purgeAllowed(t: TenantSummary): void {
  if (t.status !== 'pending_deletion') {
    throw new KeelError(
      'PRECONDITION_FAILED',
      `tenant ${t.id} is ${t.status.replace('_', ' ')}: mark it for deletion first, then purge after the grace period`,
    );
  }
  if (t.purgeAfter && Date.parse(t.purgeAfter) > Date.now()) {
    throw new KeelError(
      'PRECONDITION_FAILED',
      `the grace period of ${t.id} ends ${t.purgeAfter}: it cannot be purged before`,
    );
  }
}
