import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { KeelError } from '@shared/errors';
import type { JobProgress, JobRecord, JobStart } from '@shared/jobs';
import { api } from '../../api/client';
import { toKeelError } from '../../lib/errors';
import { useLoader, type Loaded } from '../../lib/useLoader';
import { useReconnectEpoch } from '../system/useConnection';
import { isActive, mergeLists, nextPageBefore, upsertJob, type JobFilter } from './jobModel';
import { addSample, type ProgressSample } from './progressRate';

/** History page size. */
export const PAGE = 100;

interface JobsData {
  jobs: JobRecord[];
  /** `createdAt` of the oldest job the history query returned: where the next page starts. */
  cursor: string | undefined;
  /** The last page was full, so older jobs may exist. */
  more: boolean;
}

export interface JobsState extends Omit<Loaded<JobsData>, 'data' | 'setData'> {
  jobs: JobRecord[] | undefined;
  more: boolean;
  loadingMore: boolean;
  loadMore: () => Promise<void>;
  /** Progress points of each running job, for its ETA. */
  samples: Readonly<Record<string, ProgressSample[]>>;
  start: (input: JobStart) => Promise<JobRecord>;
  cancel: (id: string) => Promise<JobRecord>;
  retry: (id: string) => Promise<JobRecord>;
  get: (id: string) => Promise<JobRecord>;
}

/**
 * Job history matching `filter`, paged backwards with `before`, plus every queued or running job
 * (whatever the filter), kept live by `jobs.updated` and `jobs.progress`.
 */
export function useJobs(filter: JobFilter): JobsState {
  const epoch = useReconnectEpoch();
  const { state, kind, envId, tenantId, actorType } = filter;
  const query = { state, kind, envId, tenantId: tenantId || undefined, actorType };
  const key = `jobs:${JSON.stringify(query)}:${epoch}`;
  const [samples, setSamples] = useState<Record<string, ProgressSample[]>>({});
  const loaded = useLoader<JobsData>(async () => {
    const [history, running, queued] = await Promise.all([
      api().call('jobs.list', { ...query, limit: PAGE }),
      api().call('jobs.list', { state: 'running', limit: 100 }),
      api().call('jobs.list', { state: 'queued', limit: 100 }),
    ]);
    // Each running job's record is its first progress point; finished ones need none.
    const at = Date.now();
    setSamples((all) =>
      Object.fromEntries(
        running.map((j) => [
          j.id,
          addSample(all[j.id], { at, done: j.progress.done }, j.progress.total),
        ]),
      ),
    );
    return {
      jobs: mergeLists(running, queued, history),
      cursor: history.at(-1)?.createdAt,
      more: history.length === PAGE,
    };
  }, key);
  const { setData, data } = loaded;
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<{ key: string; error: KeelError } | undefined>();

  // A page that arrives after the filter changed belongs to the old filter: dropped.
  const latest = useRef({ key, query, data, busy: false });
  useLayoutEffect(() => {
    latest.current = { ...latest.current, key, query, data };
  });

  const sample = useCallback((id: string, p: JobProgress) => {
    setSamples((all) => {
      const next = addSample(all[id], { at: Date.now(), done: p.done }, p.total);
      return next === all[id] ? all : { ...all, [id]: next };
    });
  }, []);

  const upsert = useCallback(
    (rec: JobRecord) => {
      setData((d) => d && { ...d, jobs: upsertJob(d.jobs, rec) });
      if (rec.state === 'running') sample(rec.id, rec.progress);
      else if (!isActive(rec))
        setSamples((all) => {
          if (!(rec.id in all)) return all;
          const { [rec.id]: _gone, ...rest } = all;
          return rest;
        });
    },
    [setData, sample],
  );

  useEffect(() => {
    const offUpdated = api().on('jobs.updated', upsert);
    const offProgress = api().on('jobs.progress', ({ id, progress }) => {
      // Only a running job reports progress, whatever state its last record said.
      const moved = (j: JobRecord): JobRecord => ({
        ...j,
        progress,
        state: j.state === 'queued' ? 'running' : j.state,
      });
      setData((d) => d && { ...d, jobs: d.jobs.map((j) => (j.id === id ? moved(j) : j)) });
      sample(id, progress);
    });
    return () => {
      offUpdated();
      offProgress();
    };
  }, [setData, upsert, sample]);

  const loadMore = useCallback(async () => {
    const { key: mine, query: q, data: d, busy } = latest.current;
    if (!d?.cursor || busy) return;
    latest.current.busy = true;
    setLoadingMore(true);
    try {
      const have = new Set(d.jobs.map((j) => j.id));
      let page = await api().call('jobs.list', {
        ...q,
        before: nextPageBefore(d.cursor),
        limit: PAGE,
      });
      if (page.length === PAGE && page.every((j) => have.has(j.id)))
        page = await api().call('jobs.list', {
          ...q,
          before: nextPageBefore(d.cursor, true),
          limit: PAGE,
        });
      if (latest.current.key !== mine) return;
      setMoreError(undefined);
      setData(
        (cur) =>
          cur && {
            jobs: mergeLists(cur.jobs, page),
            cursor: page.at(-1)?.createdAt ?? cur.cursor,
            more: page.length === PAGE,
          },
      );
    } catch (e) {
      setMoreError({ key: mine, error: toKeelError(e) });
    } finally {
      latest.current.busy = false;
      setLoadingMore(false);
    }
  }, [setData]);

  const withRecord = useCallback(
    (call: () => Promise<JobRecord>) => async () => {
      const rec = await call();
      upsert(rec);
      return rec;
    },
    [upsert],
  );
  /** A new job's record: its own events may have overtaken the answer, so it never replaces them. */
  const started = useCallback(
    (call: () => Promise<JobRecord>) => async () => {
      const rec = await call();
      setData(
        (d) => d && (d.jobs.some((j) => j.id === rec.id) ? d : { ...d, jobs: [rec, ...d.jobs] }),
      );
      return rec;
    },
    [setData],
  );
  const start = useCallback(
    (input: JobStart) => started(() => api().call('jobs.start', input))(),
    [started],
  );
  const cancel = useCallback(
    (id: string) => withRecord(() => api().call('jobs.cancel', { id }))(),
    [withRecord],
  );
  const retry = useCallback(
    (id: string) => started(() => api().call('jobs.retry', { id }))(),
    [started],
  );
  const get = useCallback(
    (id: string) => withRecord(() => api().call('jobs.get', { id }))(),
    [withRecord],
  );

  return {
    jobs: data?.jobs,
    more: data?.more ?? false,
    error: loaded.error ?? (moreError?.key === key ? moreError.error : undefined),
    loading: loaded.loading,
    reload: loaded.reload,
    loadingMore,
    loadMore,
    samples,
    start,
    cancel,
    retry,
    get,
  };
}
