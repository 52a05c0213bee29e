import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SEVERITIES, webhookSchema, type Severity, type Webhook } from '@shared/alerts';
import type { KeelError } from '@shared/errors';
import { useToast } from '../../app/toasts';
import { Loading } from '../../components/EmptyState';
import { ErrorCallout } from '../../components/ErrorText';
import { toKeelError } from '../../lib/errors';
import { useWebhooks } from './useAlerts';

/** Where new firing alerts are posted besides the desktop; saved as one list. */
export function WebhooksSection({ envId }: { envId: string }) {
  const { t } = useTranslation();
  const toast = useToast();
  const hooks = useWebhooks(envId);
  // Edits start from the loaded list; `undefined` means "not edited yet".
  const [draft, setDraft] = useState<Webhook[] | undefined>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<KeelError | undefined>();
  const list = draft ?? hooks.data ?? [];
  const invalid = list.map((w) => !webhookSchema.safeParse(w).success);
  const ids = list.map((w) => w.id);
  const dupes = ids.map((id, i) => ids.indexOf(id) !== i);
  const bad = invalid.some(Boolean) || dupes.some(Boolean);

  const edit = (i: number, patch: Partial<Webhook>): void =>
    setDraft(list.map((w, j) => (j === i ? { ...w, ...patch } : w)));

  const save = async (): Promise<void> => {
    setSaving(true);
    setError(undefined);
    try {
      await hooks.save(list);
      setDraft(undefined);
      toast.success(t('alerts.webhooksSaved'));
    } catch (e) {
      setError(toKeelError(e));
    } finally {
      setSaving(false);
    }
  };

  return (
    <section className="panel" aria-label={t('alerts.webhooks')} data-testid="webhooks">
      <div className="toolbar-row">
        <h2 className="panel-title">{t('alerts.webhooks')}</h2>
        <span className="muted">{t('alerts.webhooksHint')}</span>
      </div>
      {hooks.error && <ErrorCallout error={hooks.error} onRetry={() => void hooks.reload()} />}
      {!hooks.data && !hooks.error ? (
        <Loading label={t('common.loading')} />
      ) : (
        <div className="stack">
          {list.length === 0 && <p className="muted">{t('alerts.noWebhooks')}</p>}
          {list.map((w, i) => (
            <div key={i} className="webhook-row" data-testid="webhook-row">
              <input
                className="input mono webhook-id"
                value={w.id}
                aria-label={t('alerts.webhookId')}
                aria-invalid={dupes[i] || invalid[i] ? true : undefined}
                placeholder="oncall"
                data-testid="webhook-id"
                onChange={(e) => edit(i, { id: e.target.value })}
              />
              <input
                className="input mono webhook-url"
                type="url"
                value={w.url}
                aria-label={t('alerts.webhookUrl')}
                aria-invalid={invalid[i] ? true : undefined}
                placeholder="https://"
                data-testid="webhook-url"
                onChange={(e) => edit(i, { url: e.target.value })}
              />
              <select
                className="input"
                value={w.minSeverity}
                aria-label={t('alerts.minSeverity')}
                data-testid="webhook-severity"
                onChange={(e) => edit(i, { minSeverity: e.target.value as Severity })}
              >
                {SEVERITIES.map((s) => (
                  <option key={s} value={s}>
                    ≥ {t(`alerts.severity.${s}`)}
                  </option>
                ))}
              </select>
              <label className="chip">
                <input
                  type="checkbox"
                  checked={w.enabled}
                  data-testid="webhook-enabled"
                  onChange={(e) => edit(i, { enabled: e.target.checked })}
                />{' '}
                {t('alerts.rule.enabled')}
              </label>
              <button
                type="button"
                className="btn btn-small"
                data-testid="webhook-remove"
                onClick={() => setDraft(list.filter((_, j) => j !== i))}
              >
                {t('alerts.remove')}
              </button>
            </div>
          ))}
          {bad && <div className="field-error">{t('alerts.webhooksInvalid')}</div>}
          {error && <ErrorCallout error={error} title={t('alerts.saveFailed')} />}
          <div className="toolbar">
            <button
              type="button"
              className="btn"
              disabled={list.length >= 20}
              data-testid="webhook-add"
              onClick={() =>
                setDraft([
                  ...list,
                  { id: `hook-${list.length + 1}`, url: '', minSeverity: 'warning', enabled: true },
                ])
              }
            >
              {t('alerts.addWebhook')}
            </button>
            <button
              type="button"
              className="btn btn-primary"
              disabled={draft === undefined || bad || saving}
              data-testid="webhooks-save"
              onClick={() => void save()}
            >
              {saving ? t('common.working') : t('common.save')}
            </button>
            {draft !== undefined && (
              <button type="button" className="btn" onClick={() => setDraft(undefined)}>
                {t('common.cancel')}
              </button>
            )}
          </div>
        </div>
      )}
    </section>
  );
}
