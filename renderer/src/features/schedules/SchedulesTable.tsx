import { useTranslation } from 'react-i18next';
import type { JobStart } from '@shared/jobs';
import type { Schedule } from '@shared/schedules';
import { JobStateBadge } from '../../components/badges';
import { describeCron } from '../../lib/cronText';
import { isoInZone, localTimeZone } from '../../lib/timeZone';
import { useFormat } from '../../lib/useFormat';

export interface ScheduleActions {
  onEdit: (s: Schedule) => void;
  onPause: (s: Schedule) => void;
  onResume: (s: Schedule) => void;
  onRunNow: (s: Schedule) => void;
  onDelete: (s: Schedule) => void;
}

/** One row per schedule: what it runs, when (in its zone and locally), how the last run went. */
export function SchedulesTable({
  schedules,
  busy,
  ...actions
}: {
  schedules: Schedule[];
  /** Ids with an action in flight. */
  busy: ReadonlySet<string>;
} & ScheduleActions) {
  const { t, i18n } = useTranslation();
  const fmt = useFormat();
  const local = localTimeZone();
  return (
    <div className="table-wrap">
      <table className="table" data-testid="schedules-table">
        <caption className="sr-only">{t('schedules.title')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('schedules.name')}</th>
            <th scope="col">{t('schedules.col.job')}</th>
            <th scope="col">{t('schedules.col.when')}</th>
            <th scope="col">{t('schedules.tz')}</th>
            <th scope="col">{t('schedules.col.next')}</th>
            <th scope="col">{t('schedules.col.last')}</th>
            <th scope="col">{t('schedules.col.enabled')}</th>
            <th scope="col">
              <span className="sr-only">{t('common.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {schedules.map((s) => {
            const next = s.next[0];
            const inFlight = busy.has(s.id);
            return (
              <tr
                key={`${s.envId}/${s.id}`}
                data-testid="schedule-row"
                data-schedule-id={s.id}
                data-enabled={s.enabled}
              >
                <th scope="row">
                  <div>{s.name}</div>
                  <div className="mono muted small">{s.id}</div>
                </th>
                <td>
                  <TargetText target={s.target} />
                </td>
                <td>
                  <code className="mono">{s.cron}</code>
                  <div className="muted small" data-testid="schedule-description">
                    {describeCron(s.cron, i18n.language) ?? s.cron}
                  </div>
                </td>
                <td className="mono small">{s.tz}</td>
                <td data-testid="schedule-next">
                  {next ? (
                    <>
                      <time dateTime={next} className="mono">
                        {isoInZone(next, s.tz)}
                      </time>
                      <div className="muted small">
                        {s.tz !== local &&
                          `${t('schedules.localTime', { time: isoInZone(next, local), tz: local })} · `}
                        {fmt.relative(next)}
                      </div>
                    </>
                  ) : (
                    <span className="muted">{s.enabled ? '—' : t('schedules.pausedNoRuns')}</span>
                  )}
                </td>
                <td data-testid="schedule-last">
                  {s.lastRun ? (
                    <>
                      <JobStateBadge state={s.lastRun.state} />
                      <div className="muted small" title={s.lastRun.jobId}>
                        <time dateTime={s.lastRun.at} title={fmt.dateTime(s.lastRun.at)}>
                          {fmt.ago(s.lastRun.at)}
                        </time>
                      </div>
                    </>
                  ) : (
                    <span className="muted">{t('schedules.never')}</span>
                  )}
                </td>
                <td>
                  <span className={s.enabled ? 'pill pill-ok' : 'pill pill-warn'}>
                    {s.enabled ? t('schedules.on') : t('schedules.paused')}
                  </span>
                </td>
                <td className="row-actions">
                  <button
                    type="button"
                    className="btn btn-small"
                    disabled={inFlight}
                    data-testid="run-schedule"
                    aria-label={t('schedules.runNowNamed', { name: s.name })}
                    onClick={() => actions.onRunNow(s)}
                  >
                    {t('schedules.runNow')}
                  </button>
                  {s.enabled ? (
                    <button
                      type="button"
                      className="btn btn-small"
                      disabled={inFlight}
                      data-testid="pause-schedule"
                      aria-label={t('schedules.pauseNamed', { name: s.name })}
                      onClick={() => actions.onPause(s)}
                    >
                      {t('schedules.pause')}
                    </button>
                  ) : (
                    <button
                      type="button"
                      className="btn btn-small"
                      disabled={inFlight}
                      data-testid="resume-schedule"
                      aria-label={t('schedules.resumeNamed', { name: s.name })}
                      onClick={() => actions.onResume(s)}
                    >
                      {t('schedules.resume')}
                    </button>
                  )}
                  <button
                    type="button"
                    className="btn btn-small"
                    disabled={inFlight}
                    data-testid="edit-schedule"
                    aria-label={t('schedules.editNamed', { name: s.name })}
                    onClick={() => actions.onEdit(s)}
                  >
                    {t('common.edit')}
                  </button>
                  <button
                    type="button"
                    className="btn btn-small btn-danger-quiet"
                    disabled={inFlight}
                    data-testid="delete-schedule"
                    aria-label={t('schedules.deleteNamed', { name: s.name })}
                    onClick={() => actions.onDelete(s)}
                  >
                    {t('common.remove')}
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** The job kind and, for a watch, its pace: "Health watch · every 30s for 30m · all connections". */
function TargetText({ target }: { target: JobStart }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const kind = t(`jobs.kinds.${target.kind}`);
  if (target.kind !== 'health.watch') return <span data-kind={target.kind}>{kind}</span>;
  const p = target.payload;
  return (
    <span data-kind={target.kind}>
      {kind}
      <div className="muted small">
        {t('jobs.target.watchSummary', {
          every: fmt.duration(p.intervalSec),
          for: fmt.duration(p.durationSec),
          what: p.connectionId ?? t('jobs.target.allConnectionsShort'),
        })}
      </div>
    </span>
  );
}
