import { useTranslation } from 'react-i18next';
import type { AuditEntry, StatusChange } from '@shared/tenants';
import { useFormat } from '../../lib/useFormat';
import { TenantStatusBadge } from './tenantText';

/** Every status the tenant went through, newest first, with who and why. */
export function StatusHistory({ history }: { history: readonly StatusChange[] }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  if (history.length === 0) return <p className="muted">{t('tenants.history.empty')}</p>;
  const newest = [...history].sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
  return (
    <ol className="status-history" data-testid="tenant-history">
      {newest.map((h, i) => (
        <li key={`${h.at}:${i}`}>
          <time dateTime={h.at} className="muted small">
            {fmt.dateTime(h.at)}
          </time>
          <span className="status-change">
            {h.from && (
              <>
                <TenantStatusBadge status={h.from} />
                <span aria-label={t('tenants.history.to')}> → </span>
              </>
            )}
            <TenantStatusBadge status={h.to} />
          </span>
          <span className="small">
            {h.reason ? t('tenants.history.reason', { reason: h.reason }) : ''}{' '}
            <span className="muted">{t('tenants.history.by', { actor: h.actor })}</span>
          </span>
        </li>
      ))}
    </ol>
  );
}

const json = (v: unknown): string => JSON.stringify(v, null, 2);

/** The audit log of the tenant (newest first), with what each change was from and to. */
export function AuditList({ entries }: { entries: readonly AuditEntry[] }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  if (entries.length === 0) return <p className="muted">{t('tenants.audit.empty')}</p>;
  return (
    <div className="table-wrap">
      <table className="table compact-table" data-testid="tenant-audit">
        <caption className="sr-only">{t('tenants.audit.title')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('tenants.audit.at')}</th>
            <th scope="col">{t('tenants.audit.action')}</th>
            <th scope="col">{t('tenants.audit.actor')}</th>
            <th scope="col">{t('tenants.audit.result')}</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.id} data-testid="audit-row" data-result={e.result}>
              <td>
                <time dateTime={e.at}>{fmt.dateTime(e.at)}</time>
              </td>
              <td className="wrap">
                <code>{e.action}</code>
                {e.target && <span className="muted small"> {e.target}</span>}
                {(e.before !== null || e.after !== null) && (
                  <details className="audit-change">
                    <summary className="small">{t('tenants.audit.change')}</summary>
                    <div className="audit-diff">
                      <pre className="code-block" aria-label={t('tenants.audit.before')}>
                        {json(e.before)}
                      </pre>
                      <pre className="code-block" aria-label={t('tenants.audit.after')}>
                        {json(e.after)}
                      </pre>
                    </div>
                  </details>
                )}
              </td>
              <td className="mono small">{e.actor}</td>
              <td className="wrap">
                <span className={e.result === 'ok' ? 'pill pill-ok' : 'pill job-failed'}>
                  {t(`tenants.audit.results.${e.result}`)}
                </span>
                {e.error && <div className="text-danger small">{e.error}</div>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
