import {
  FINAL_STATES,
  type Actor,
  type JobKind,
  type JobRecord,
  type JobState,
} from '@shared/jobs';

export type ActorType = Actor['type'];

export interface JobFilter {
  state: JobState | undefined;
  kind: JobKind | undefined;
  envId: string | undefined;
  tenantId?: string | undefined;
  actorType?: ActorType | undefined;
}

export const isActive = (j: JobRecord): boolean => !FINAL_STATES.includes(j.state);

export function matches(j: JobRecord, f: JobFilter): boolean {
  return (
    (f.state === undefined || j.state === f.state) &&
    (f.kind === undefined || j.kind === f.kind) &&
    (f.envId === undefined || j.envId === f.envId) &&
    (!f.tenantId || j.tenantId === f.tenantId) &&
    (f.actorType === undefined || j.actor.type === f.actorType)
  );
}

/** Failed and cancelled jobs can be run again (`jobs.retry`). */
export const canRetry = (j: JobRecord): boolean => j.state === 'failed' || j.state === 'cancelled';

/**
 * The `before` of the next page after a page ending at `oldest`: one millisecond later, so jobs
 * created in the same millisecond as the last one shown are not skipped (the overlap is dropped by
 * id). `strict` asks for strictly older ones, for when a whole page shared that millisecond.
 */
export function nextPageBefore(oldest: string, strict = false): string {
  return new Date(Date.parse(oldest) + (strict ? 0 : 1)).toISOString();
}

/** Insert or replace by id. A record older than the one held (by state order) never wins. */
export function upsertJob(list: readonly JobRecord[], rec: JobRecord): JobRecord[] {
  const i = list.findIndex((j) => j.id === rec.id);
  if (i < 0) return [rec, ...list];
  const held = list[i] as JobRecord;
  if (!isActive(held) && isActive(rec)) return list as JobRecord[];
  const next = [...list];
  next[i] = rec;
  return next;
}

export function mergeLists(...lists: ReadonlyArray<readonly JobRecord[]>): JobRecord[] {
  const byId = new Map<string, JobRecord>();
  for (const list of lists) for (const j of list) if (!byId.has(j.id)) byId.set(j.id, j);
  return [...byId.values()];
}

export const newestFirst = (a: JobRecord, b: JobRecord): number =>
  Date.parse(b.createdAt) - Date.parse(a.createdAt);

/** Milliseconds from start to finish (or to `now` while it runs). */
export function jobDurationMs(j: JobRecord, now: number): number | undefined {
  if (j.startedAt === undefined) return undefined;
  const end = j.finishedAt !== undefined ? Date.parse(j.finishedAt) : now;
  return Math.max(0, end - Date.parse(j.startedAt));
}

/**
 * How long a job waited in the queue before a worker took it (`jobs.ping` measures exactly this).
 * Creation and start may be stamped by two machines: their clock skew is part of the figure.
 */
export function pickupMs(j: JobRecord): number | undefined {
  if (j.startedAt === undefined) return undefined;
  return Math.max(0, Date.parse(j.startedAt) - Date.parse(j.createdAt));
}

/** A one-line summary of a result: a string, a number, or the first few scalar fields of an object. */
export function resultSummary(result: unknown): string {
  if (result === undefined || result === null) return '';
  if (typeof result !== 'object') return String(result);
  if (Array.isArray(result)) return `[${result.length}]`;
  return Object.entries(result as Record<string, unknown>)
    .filter(([, v]) => v === null || ['string', 'number', 'boolean'].includes(typeof v))
    .slice(0, 4)
    .map(([k, v]) => `${k}: ${String(v)}`)
    .join(', ');
}
