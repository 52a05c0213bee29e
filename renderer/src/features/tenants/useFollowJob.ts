import { useCallback, useEffect, useRef, useState } from 'react';
import type { KeelError } from '@shared/errors';
import type { JobRecord } from '@shared/jobs';
import { api } from '../../api/client';
import { toKeelError } from '../../lib/errors';
import { isActive, upsertJob } from '../jobs/jobModel';
import { useReconnectEpoch } from '../system/useConnection';

/** While a job runs, its record (with the log lines `jobs.progress` does not carry) is read at most this often. */
const RECORD_EVERY_MS = 1_000;

export interface FollowedJob {
  job: JobRecord;
  /** Reading the record failed (the job itself may be fine). */
  error: KeelError | undefined;
}

/**
 * One job as it runs: `jobs.updated` and `jobs.progress` move it on, and the full record is read
 * again as it progresses (throttled) and once it ends, for its log, result and error. A final
 * state is never replaced by an older running copy. Mount with `key={job.id}`.
 */
export function useFollowJob(initial: JobRecord): FollowedJob {
  const [job, setJob] = useState(initial);
  const [error, setError] = useState<KeelError | undefined>();
  const epoch = useReconnectEpoch();
  const id = initial.id;

  const merge = useCallback(
    (rec: JobRecord) => setJob((cur) => upsertJob([cur], rec)[0] ?? cur),
    [],
  );

  useEffect(() => {
    const offUpdated = api().on('jobs.updated', (rec) => {
      if (rec.id === id) merge(rec);
    });
    const offProgress = api().on('jobs.progress', (p) => {
      if (p.id !== id) return;
      setJob((j) =>
        isActive(j)
          ? { ...j, progress: p.progress, state: j.state === 'queued' ? 'running' : j.state }
          : j,
      );
    });
    return () => {
      offUpdated();
      offProgress();
    };
  }, [id, merge]);

  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const last = useRef(0);
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
      clearTimeout(timer.current);
      timer.current = undefined;
    };
  }, []);

  const done = job.progress.done;
  const active = isActive(job);
  useEffect(() => {
    const read = (): void => {
      timer.current = undefined;
      last.current = Date.now();
      api()
        .call('jobs.get', { id })
        .then(
          (rec) => {
            if (!mounted.current) return;
            merge(rec);
            setError(undefined);
          },
          (e: unknown) => {
            if (mounted.current) setError(toKeelError(e));
          },
        );
    };
    if (!active) {
      clearTimeout(timer.current);
      read();
      return;
    }
    if (timer.current !== undefined) return;
    timer.current = setTimeout(read, Math.max(0, last.current + RECORD_EVERY_MS - Date.now()));
  }, [id, done, active, epoch, merge]);

  return { job, error };
}
