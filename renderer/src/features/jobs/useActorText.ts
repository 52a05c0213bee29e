import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import type { JobRecord } from '@shared/jobs';
import { useScheduleNames } from '../schedules/useSchedules';

/**
 * "Started by" in words: the user, Keel itself, or the schedule by its current name (its id, or the
 * name recorded on the job, while schedules are not known).
 */
export function useActorText(): (j: JobRecord) => string {
  const { t } = useTranslation();
  const names = useScheduleNames();
  return useCallback(
    (j: JobRecord): string => {
      if (j.scheduleId === undefined)
        return t(`jobs.actor.${j.actor.type}`, { name: j.actor.name });
      const name =
        names.get(`${j.envId ?? ''}/${j.scheduleId}`) ??
        (j.actor.type === 'schedule' ? j.actor.name : j.scheduleId);
      return j.actor.type === 'schedule'
        ? t('jobs.actor.schedule', { name })
        : t('jobs.actor.scheduleRunBy', { name, user: j.actor.name });
    },
    [t, names],
  );
}
