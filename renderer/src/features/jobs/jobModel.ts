import { FINAL_STATES, type JobKind, type JobRecord, type JobState } from '@shared/jobs';

export interface JobFilter {
  state: JobState | undefined;
  kind: JobKind | undefined;
  envId: string | undefined;
}

export const isActive = (j: JobRecord): boolean => !FINAL_STATES.includes(j.state);

export function matches(j: JobRecord, f: JobFilter): boolean {
  return (
    (f.state === undefined || j.state === f.state) &&
    (f.kind === undefined || j.kind === f.kind) &&
    (f.envId === undefined || j.envId === f.envId)
  );
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
