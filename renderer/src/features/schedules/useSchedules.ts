import { useCallback, useEffect, useMemo, useRef } from 'react';
import { KeelError } from '@shared/errors';
import type { JobRecord } from '@shared/jobs';
import type { Schedule, ScheduleInput, ScheduleListEntry } from '@shared/schedules';
import { api } from '../../api/client';
import { useLoader, type Loaded } from '../../lib/useLoader';
import { useReconnectEpoch } from '../system/useConnection';

/** Bursts of events (a sweep's updates, a teammate's edits) cause one reload, this long after the first. */
const SETTLE_MS = 500;

export interface SchedulesState extends Loaded<Schedule[]> {
  save: (input: ScheduleInput) => Promise<Schedule>;
  remove: (s: Schedule) => Promise<void>;
  pause: (s: Schedule) => Promise<Schedule>;
  resume: (s: Schedule) => Promise<Schedule>;
  runNow: (s: Schedule) => Promise<JobRecord>;
}

const sameSchedule = (a: Schedule, b: { envId: string; id: string }): boolean =>
  a.envId === b.envId && a.id === b.id;

function upsert(list: readonly Schedule[] | undefined, s: Schedule): Schedule[] {
  const l = list ?? [];
  return l.some((x) => sameSchedule(x, s)) ? l.map((x) => (sameSchedule(x, s) ? s : x)) : [...l, s];
}

/**
 * The schedules of the list's entries. Asked for one environment, its error is the page's error;
 * across all (names for the job history), an environment that cannot answer is left out.
 */
function flatten(entries: ScheduleListEntry[], single: boolean): Schedule[] {
  const failed = single ? entries.find((e) => e.error) : undefined;
  if (failed?.error)
    throw new KeelError(failed.error.code, failed.error.message, failed.error.details);
  return entries.flatMap((e) => e.schedules);
}

/**
 * The schedules of an environment (or of all), kept fresh by `schedules.changed` (any console's
 * edits) and `jobs.updated` of their runs (last run), and again once a shown next run has passed.
 */
export function useSchedules(envId: string | undefined, all = false): SchedulesState {
  const epoch = useReconnectEpoch();
  const enabled = all || envId !== undefined;
  const loaded = useLoader(
    async () => flatten(await api().call('schedules.list', all ? {} : { envId }), !all),
    enabled ? `schedules:${all ? '*' : envId}:${epoch}` : null,
  );
  const { reload, setData, data } = loaded;

  const pending = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const soon = useCallback(() => {
    if (pending.current !== undefined) return;
    pending.current = setTimeout(() => {
      pending.current = undefined;
      void reload();
    }, SETTLE_MS);
  }, [reload]);
  useEffect(() => () => clearTimeout(pending.current), []);

  useEffect(() => {
    if (!enabled) return;
    const mine = (e: string | undefined): boolean => all || e === envId;
    const offChanged = api().on('schedules.changed', (p) => {
      if (mine(p.envId)) soon();
    });
    const offJobs = api().on('jobs.updated', (j) => {
      if (j.scheduleId !== undefined && mine(j.envId) && j.state !== 'queued') soon();
    });
    return () => {
      offChanged();
      offJobs();
    };
  }, [enabled, all, envId, soon]);

  // The next run shown has passed: the list says what comes after it.
  const due = useMemo(() => {
    const firsts = (data ?? []).flatMap((s) =>
      s.enabled && s.next[0] ? [Date.parse(s.next[0])] : [],
    );
    return firsts.length > 0 ? Math.min(...firsts) : undefined;
  }, [data]);
  useEffect(() => {
    if (due === undefined) return;
    const wait = Math.max(due - Date.now(), 0) + 2_000;
    // Beyond a day, a reconnect or an event will have refreshed the list anyway.
    if (wait > 86_400_000) return;
    const id = setTimeout(() => void reload(), wait);
    return () => clearTimeout(id);
  }, [due, reload]);

  const put = useCallback((s: Schedule) => setData((l) => upsert(l, s)), [setData]);
  const save = useCallback(
    async (input: ScheduleInput) => {
      const s = await api().call('schedules.save', input);
      put(s);
      return s;
    },
    [put],
  );
  const remove = useCallback(
    async (s: Schedule) => {
      await api().call('schedules.remove', { envId: s.envId, id: s.id });
      setData((l) => l?.filter((x) => !sameSchedule(x, s)));
    },
    [setData],
  );
  const pause = useCallback(
    async (s: Schedule) => {
      const r = await api().call('schedules.pause', { envId: s.envId, id: s.id });
      put(r);
      return r;
    },
    [put],
  );
  const resume = useCallback(
    async (s: Schedule) => {
      const r = await api().call('schedules.resume', { envId: s.envId, id: s.id });
      put(r);
      return r;
    },
    [put],
  );
  const runNow = useCallback(
    (s: Schedule) => api().call('schedules.runNow', { envId: s.envId, id: s.id }),
    [],
  );

  return { ...loaded, save, remove, pause, resume, runNow };
}

/** `envId/scheduleId` → name, for "started by" in the job history. Empty until known. */
export function useScheduleNames(): ReadonlyMap<string, string> {
  const { data } = useSchedules(undefined, true);
  return useMemo(() => new Map((data ?? []).map((s) => [`${s.envId}/${s.id}`, s.name])), [data]);
}
