import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Schedule } from '@shared/schedules';
import { useAppState } from '../../app/AppState';
import { hrefOf } from '../../app/router';
import { useRefreshShortcut } from '../../app/shortcuts';
import { useToast } from '../../app/toasts';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { EmptyState, Loading } from '../../components/EmptyState';
import { ErrorCallout } from '../../components/ErrorText';
import { PageHeader } from '../../components/PageHeader';
import { EngineStatus } from '../jobs/EngineStatus';
import { ScheduleDialog } from './ScheduleDialog';
import { SchedulesTable } from './SchedulesTable';
import { useSchedules } from './useSchedules';
import './schedules.css';

type Editing = { schedule: Schedule | undefined } | undefined;

/** The active environment's schedules: cron + time zone → a job, for the whole team when coordinated. */
export function SchedulesPage() {
  const { t } = useTranslation();
  const toast = useToast();
  const { activeEnv, envs } = useAppState();
  const schedules = useSchedules(activeEnv?.id);
  const [editing, setEditing] = useState<Editing>();
  const [deleting, setDeleting] = useState<Schedule | undefined>();
  const [busy, setBusy] = useState<ReadonlySet<string>>(new Set());
  const list = schedules.data?.filter((s) => s.envId === activeEnv?.id);

  useRefreshShortcut(() => void schedules.reload());

  const act = async (s: Schedule, action: () => Promise<unknown>, done: string, failed: string) => {
    setBusy((b) => new Set(b).add(s.id));
    try {
      await action();
      toast.success(done);
    } catch (e) {
      toast.error(e, failed);
    } finally {
      setBusy((b) => {
        const n = new Set(b);
        n.delete(s.id);
        return n;
      });
    }
  };

  const header = (
    <PageHeader
      title={t('schedules.title')}
      subtitle={activeEnv ? t('schedules.subtitle', { env: activeEnv.name }) : undefined}
      actions={
        <button
          type="button"
          className="btn btn-primary"
          disabled={!activeEnv}
          data-testid="add-schedule"
          onClick={() => setEditing({ schedule: undefined })}
        >
          {t('schedules.add')}
        </button>
      }
    />
  );

  if (envs && !activeEnv)
    return (
      <div className="page">
        {header}
        <EmptyState
          title={t('schedules.noEnvTitle')}
          action={
            <a className="btn" href={hrefOf('connections')}>
              {t('env.addFirst')}
            </a>
          }
        >
          {t('schedules.noEnvBody')}
        </EmptyState>
      </div>
    );

  return (
    <div className="page">
      {header}
      <EngineStatus env={activeEnv} />
      {schedules.error && !list ? (
        <ErrorCallout error={schedules.error} onRetry={() => void schedules.reload()} />
      ) : !list ? (
        <Loading label={t('common.loading')} />
      ) : (
        <section className="panel" aria-label={t('schedules.title')}>
          {schedules.error && (
            <ErrorCallout error={schedules.error} onRetry={() => void schedules.reload()} />
          )}
          {list.length === 0 ? (
            <EmptyState title={t('schedules.emptyTitle')} testId="schedules-empty">
              {t('schedules.emptyBody')}
            </EmptyState>
          ) : (
            <SchedulesTable
              schedules={list}
              busy={busy}
              onEdit={(s) => setEditing({ schedule: s })}
              onDelete={setDeleting}
              onPause={(s) =>
                void act(
                  s,
                  () => schedules.pause(s),
                  t('schedules.pausedToast', { name: s.name }),
                  t('schedules.actionFailed'),
                )
              }
              onResume={(s) =>
                void act(
                  s,
                  () => schedules.resume(s),
                  t('schedules.resumedToast', { name: s.name }),
                  t('schedules.actionFailed'),
                )
              }
              onRunNow={(s) =>
                void act(
                  s,
                  () => schedules.runNow(s),
                  t('schedules.startedToast', {
                    name: s.name,
                    kind: t(`jobs.kinds.${s.target.kind}`),
                  }),
                  t('jobs.startFailed'),
                )
              }
            />
          )}
        </section>
      )}
      {activeEnv && (
        <ScheduleDialog
          open={editing !== undefined}
          env={activeEnv}
          schedule={editing?.schedule}
          existingIds={(list ?? []).map((s) => s.id)}
          onClose={() => setEditing(undefined)}
          onSave={schedules.save}
        />
      )}
      <ConfirmDialog
        open={deleting !== undefined}
        onClose={() => setDeleting(undefined)}
        title={t('schedules.deleteTitle', { name: deleting?.name ?? '' })}
        confirmLabel={t('schedules.delete')}
        danger
        typeToConfirm={deleting?.id}
        onConfirm={async () => {
          if (!deleting) return;
          await schedules.remove(deleting);
          toast.success(t('schedules.deleted', { name: deleting.name }));
        }}
      >
        {t('schedules.deleteBody')}
      </ConfirmDialog>
    </div>
  );
}
