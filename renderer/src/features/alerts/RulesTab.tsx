import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AlertRule } from '@shared/alerts';
import { useToast } from '../../app/toasts';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { EmptyState, Loading } from '../../components/EmptyState';
import { ErrorCallout } from '../../components/ErrorText';
import { SeverityBadge } from './alertBadges';
import { formatDuration, labelsInline } from './alertModel';
import { RuleEditor } from './RuleEditor';
import { thresholdText } from './threshold';
import { useRules } from './useAlerts';
import { WebhooksSection } from './WebhooksSection';

type Editing = { rule: AlertRule | undefined } | undefined;

export function RulesTab({ envId }: { envId: string }) {
  const { t, i18n } = useTranslation();
  const toast = useToast();
  const rules = useRules(envId);
  const [editing, setEditing] = useState<Editing>();
  const [deleting, setDeleting] = useState<AlertRule | undefined>();
  const [busy, setBusy] = useState<string | undefined>();
  const list = rules.data ?? [];

  const condition = (r: AlertRule): string => {
    if (r.type === 'deadman') return t('alerts.deadmanCondition', { n: r.missedIntervals });
    const limit = thresholdText(r.metric, r.threshold, i18n.language, (u) =>
      t(`alerts.units.${u}`),
    );
    return `${r.op} ${limit} · ${t('alerts.forText', { d: formatDuration(r.forSec) })}`;
  };

  const toggle = async (r: AlertRule): Promise<void> => {
    setBusy(r.id);
    try {
      await rules.save({ ...r, enabled: !r.enabled });
    } catch (e) {
      toast.error(e, t('alerts.saveFailed'));
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <div className="stack">
      <section className="panel" aria-label={t('alerts.tabs.rules')}>
        <div className="toolbar-row">
          <h2 className="panel-title">{t('alerts.tabs.rules')}</h2>
          <span className="spacer" />
          <button
            type="button"
            className="btn btn-primary"
            data-testid="add-rule"
            onClick={() => setEditing({ rule: undefined })}
          >
            {t('alerts.addRule')}
          </button>
        </div>
        {rules.error && <ErrorCallout error={rules.error} onRetry={() => void rules.reload()} />}
        {!rules.data && !rules.error ? (
          <Loading label={t('common.loading')} />
        ) : list.length === 0 ? (
          <EmptyState title={t('alerts.noRules')} testId="rules-empty" />
        ) : (
          <div className="table-wrap">
            <table className="table" data-testid="rules-table">
              <thead>
                <tr>
                  <th scope="col">{t('alerts.rule.enabled')}</th>
                  <th scope="col">{t('alerts.rule.name')}</th>
                  <th scope="col">{t('alerts.col.severity')}</th>
                  <th scope="col">{t('alerts.rule.metric')}</th>
                  <th scope="col">{t('alerts.condition')}</th>
                  <th scope="col">{t('alerts.labels')}</th>
                  <th scope="col">
                    <span className="sr-only">{t('common.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.map((r) => (
                  <tr
                    key={r.id}
                    data-testid="rule-row"
                    data-rule-id={r.id}
                    data-enabled={r.enabled}
                  >
                    <td>
                      <input
                        type="checkbox"
                        checked={r.enabled}
                        disabled={busy === r.id}
                        aria-label={t('alerts.toggleRule', { name: r.name })}
                        data-testid="rule-toggle"
                        onChange={() => void toggle(r)}
                      />
                    </td>
                    <th scope="row">{r.name}</th>
                    <td>
                      <SeverityBadge severity={r.severity} />
                    </td>
                    <td className="mono">{r.type === 'deadman' ? '—' : r.metric}</td>
                    <td className="mono">{condition(r)}</td>
                    <td className="mono">{labelsInline(r.labels)}</td>
                    <td className="row-actions">
                      <button
                        type="button"
                        className="btn btn-small"
                        data-testid="rule-edit"
                        onClick={() => setEditing({ rule: r })}
                      >
                        {t('alerts.edit')}
                      </button>
                      <button
                        type="button"
                        className="btn btn-small btn-danger"
                        data-testid="rule-remove"
                        onClick={() => setDeleting(r)}
                      >
                        {t('alerts.remove')}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <WebhooksSection envId={envId} />
      <RuleEditor
        open={editing !== undefined}
        envId={envId}
        rule={editing?.rule}
        existingIds={list.map((r) => r.id)}
        onClose={() => setEditing(undefined)}
        onSave={async (r) => {
          const saved = await rules.save(r);
          toast.success(t('alerts.ruleSaved', { name: saved.name }));
        }}
      />
      <ConfirmDialog
        open={deleting !== undefined}
        onClose={() => setDeleting(undefined)}
        title={t('alerts.removeRuleTitle', { name: deleting?.name ?? '' })}
        confirmLabel={t('alerts.remove')}
        danger
        onConfirm={async () => {
          if (!deleting) return;
          await rules.remove(deleting);
          toast.success(t('alerts.ruleRemoved', { name: deleting.name }));
        }}
      >
        {t('alerts.removeRuleBody')}
      </ConfirmDialog>
    </div>
  );
}
