import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Silence } from '@shared/alerts';
import { useToast } from '../../app/toasts';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { EmptyState, Loading } from '../../components/EmptyState';
import { ErrorCallout } from '../../components/ErrorText';
import { useFormat } from '../../lib/useFormat';
import { labelsInline, silencePhase } from './alertModel';
import { SilenceDialog } from './SilenceDialog';
import { useSilences } from './useAlerts';

type Editing = { silence: Silence | undefined } | undefined;

/** Silences and maintenance windows: active, scheduled and recently expired. */
export function SilencesTab({ envId }: { envId: string }) {
  const { t } = useTranslation();
  const toast = useToast();
  const fmt = useFormat();
  const silences = useSilences(envId);
  const [editing, setEditing] = useState<Editing>();
  const [deleting, setDeleting] = useState<Silence | undefined>();
  const list = [...(silences.data ?? [])].sort(
    (a, b) => Date.parse(b.endsAt) - Date.parse(a.endsAt),
  );

  return (
    <section className="panel" aria-label={t('alerts.tabs.silences')}>
      <div className="toolbar-row">
        <h2 className="panel-title">{t('alerts.tabs.silences')}</h2>
        <span className="spacer" />
        <button
          type="button"
          className="btn btn-primary"
          data-testid="add-silence"
          onClick={() => setEditing({ silence: undefined })}
        >
          {t('alerts.addSilence')}
        </button>
      </div>
      {silences.error && (
        <ErrorCallout error={silences.error} onRetry={() => void silences.reload()} />
      )}
      {!silences.data && !silences.error ? (
        <Loading label={t('common.loading')} />
      ) : list.length === 0 ? (
        <EmptyState title={t('alerts.noSilences')} testId="silences-empty">
          {t('alerts.noSilencesBody')}
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="silences-table">
            <thead>
              <tr>
                <th scope="col">{t('alerts.silenceKind')}</th>
                <th scope="col">{t('alerts.matchers')}</th>
                <th scope="col">{t('alerts.startsAt')}</th>
                <th scope="col">{t('alerts.endsAt')}</th>
                <th scope="col">{t('alerts.comment')}</th>
                <th scope="col">
                  <span className="sr-only">{t('common.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((s) => {
                const phase = silencePhase(s);
                return (
                  <tr
                    key={s.id}
                    data-testid="silence-row"
                    data-silence-id={s.id}
                    data-phase={phase}
                    className={phase === 'expired' ? 'muted' : undefined}
                  >
                    <td>
                      <span className={`pill silence-${s.kind}`}>{t(`alerts.kind.${s.kind}`)}</span>{' '}
                      <span className="muted">{t(`alerts.phase.${phase}`)}</span>
                    </td>
                    <td className="mono">{labelsInline(s.matchers) || t('alerts.allAlerts')}</td>
                    <td>{fmt.dateTime(s.startsAt)}</td>
                    <td>{fmt.dateTime(s.endsAt)}</td>
                    <td>
                      {s.comment}
                      {s.createdBy && <span className="muted"> · {s.createdBy}</span>}
                    </td>
                    <td className="row-actions">
                      <button
                        type="button"
                        className="btn btn-small"
                        data-testid="silence-edit"
                        onClick={() => setEditing({ silence: s })}
                      >
                        {t('alerts.edit')}
                      </button>
                      <button
                        type="button"
                        className="btn btn-small btn-danger"
                        data-testid="silence-remove"
                        onClick={() => setDeleting(s)}
                      >
                        {t('alerts.remove')}
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <SilenceDialog
        open={editing !== undefined}
        envId={envId}
        silence={editing?.silence}
        onClose={() => setEditing(undefined)}
        onSave={async (s) => {
          await silences.save(s);
          toast.success(t('alerts.silenceSaved'));
        }}
      />
      <ConfirmDialog
        open={deleting !== undefined}
        onClose={() => setDeleting(undefined)}
        title={t('alerts.removeSilenceTitle')}
        confirmLabel={t('alerts.remove')}
        danger
        onConfirm={async () => {
          if (!deleting) return;
          await silences.remove(deleting);
          toast.success(t('alerts.silenceRemoved'));
        }}
      >
        {t('alerts.removeSilenceBody')}
      </ConfirmDialog>
    </section>
  );
}
