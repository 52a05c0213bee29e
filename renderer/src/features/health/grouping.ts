import type { HealthEntry, HealthSnapshot, ProbeResult, ProbeStatus } from '@shared/models/health';

export const PROBE_STATUSES: readonly ProbeStatus[] = ['up', 'degraded', 'down', 'unknown'];

type EndpointRef = Pick<ProbeResult, 'envId' | 'connectionId' | 'endpoint'>;
export const entryKey = (r: EndpointRef): string =>
  `${r.envId}\u0000${r.connectionId}\u0000${r.endpoint}`;

/** Replace the entry of the same env + connection + endpoint, or add it. */
export function upsertEntry(snap: HealthSnapshot, entry: HealthEntry): HealthSnapshot {
  const key = entryKey(entry.latest);
  const i = snap.entries.findIndex((e) => entryKey(e.latest) === key);
  const entries = [...snap.entries];
  if (i >= 0) entries[i] = entry;
  else entries.push(entry);
  return { ...snap, entries };
}

/** Apply direct probe answers to `latest` (the `probed` events bring history and pool a moment later). */
export function mergeResults(
  snap: HealthSnapshot,
  results: readonly ProbeResult[],
): HealthSnapshot {
  const byKey = new Map(results.map((r) => [entryKey(r), r]));
  let changed = false;
  const entries = snap.entries.map((e) => {
    const r = byKey.get(entryKey(e.latest));
    if (!r || Date.parse(r.at) < Date.parse(e.latest.at)) return e;
    changed = true;
    return { ...e, latest: r };
  });
  return changed ? { ...snap, entries } : snap;
}

export function countByStatus(entries: readonly HealthEntry[]): Record<ProbeStatus, number> {
  const counts: Record<ProbeStatus, number> = { up: 0, degraded: 0, down: 0, unknown: 0 };
  for (const e of entries) counts[e.latest.status]++;
  return counts;
}

export interface RoleGroup {
  role: string;
  entries: HealthEntry[];
}
export interface EnvGroup {
  envId: string;
  roles: RoleGroup[];
}

/** Platform roles first in the order people think of them, then anything else alphabetically. */
export function roleRank(role: string): number {
  if (role === 'core') return 0;
  if (role === 'platform_db') return 1;
  if (role === 'business_db') return 2;
  if (role.startsWith('business:')) return 3;
  if (role === 'cache') return 4;
  if (role === 'metrics') return 5;
  return 6;
}

/**
 * Group by environment (in `envOrder`, unknown ones last) then role; inside a role by connection
 * name, primary before replica.
 */
export function groupEntries(
  entries: readonly HealthEntry[],
  envOrder: readonly string[],
  nameOf: (envId: string, connectionId: string) => string,
): EnvGroup[] {
  const envs = new Map<string, Map<string, HealthEntry[]>>();
  for (const e of entries) {
    const { envId, role } = e.latest;
    let roles = envs.get(envId);
    if (!roles) envs.set(envId, (roles = new Map()));
    let list = roles.get(role);
    if (!list) roles.set(role, (list = []));
    list.push(e);
  }
  const envRank = (id: string): number => {
    const i = envOrder.indexOf(id);
    return i < 0 ? envOrder.length : i;
  };
  return [...envs.entries()]
    .sort(([a], [b]) => envRank(a) - envRank(b) || a.localeCompare(b))
    .map(([envId, roles]) => ({
      envId,
      roles: [...roles.entries()]
        .sort(([a], [b]) => roleRank(a) - roleRank(b) || a.localeCompare(b))
        .map(([role, list]) => ({
          role,
          entries: list.sort(
            (x, y) =>
              nameOf(envId, x.latest.connectionId).localeCompare(
                nameOf(envId, y.latest.connectionId),
              ) ||
              x.latest.connectionId.localeCompare(y.latest.connectionId) ||
              (x.latest.endpoint === 'primary' ? -1 : 1),
          ),
        })),
    }));
}
