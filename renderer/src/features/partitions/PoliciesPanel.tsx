import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PartitionOverride, PartitionPolicies } from '@shared/partitions';
import { api } from '../../api/client';
import { useToast } from '../../app/toasts';
import { ErrorCallout } from '../../components/ErrorText';
import { useLoader } from '../../lib/useLoader';
import { PolicyDialog } from './PolicyDialog';

/**
 * Every partitioned table's policy in the environment: the blueprint's, what the environment
 * overrides (marked), and Edit. Collapsed by default: the runway is what people come for.
 */
export function PoliciesPanel({ envId }: { envId: string }) {
  const { t } = useTranslation();
  const loaded = useLoader(() => api().call('partitions.policies', { envId }), envId);
  const toast = useToast();
  const [editing, setEditing] = useState<string | undefined>();
  const entries: PartitionPolicies = loaded.data ?? [];
  const entry = entries.find((e) => e.table === editing);
  const save = async (override: PartitionOverride | null, confirm?: string) => {
    await api().call('partitions.setOverride', {
      envId,
      table: editing!,
      override,
      ...(confirm && { confirm }),
    });
    toast.success(t('partitions.policy.saved', { table: editing! }));
    await loaded.reload();
  };
  const mark = (overridden: boolean, text: string) =>
    overridden ? <strong title={t('partitions.policy.overridden')}>{text} *</strong> : text;
  return (
    <details className="panel" data-testid="partition-policies">
      <summary className="panel-title">{t('partitions.policy.title')}</summary>
      {loaded.error && !loaded.data ? (
        <ErrorCallout error={loaded.error} onRetry={() => void loaded.reload()} />
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('partitions.col.table')}</th>
                <th scope="col">{t('partitions.policy.partitionedBy')}</th>
                <th scope="col">{t('partitions.policy.premake')}</th>
                <th scope="col">{t('partitions.policy.retention')}</th>
                <th scope="col">{t('partitions.policy.archive')}</th>
                <th scope="col">
                  <span className="sr-only">{t('common.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => {
                const o = e.override ?? {};
                const p = e.effective;
                return (
                  <tr key={e.table} data-testid={`policy-${e.table}`}>
                    <td className="mono">
                      {e.database}.{e.table}
                    </td>
                    <td className="mono small">
                      {p.expression}({p.column}) / {p.interval}
                    </td>
                    <td>{mark(o.premake !== undefined, String(p.premake))}</td>
                    <td>
                      {mark(
                        o.retention !== undefined,
                        p.retention === null
                          ? t('partitions.policy.keepAll')
                          : t('partitions.policy.keepN', { count: p.retention }),
                      )}
                    </td>
                    <td>
                      {mark(o.archive !== undefined, p.archive ? t('common.yes') : t('common.no'))}
                    </td>
                    <td>
                      <button
                        type="button"
                        className="btn btn-small"
                        onClick={() => setEditing(e.table)}
                        data-testid={`edit-policy-${e.table}`}
                      >
                        {t('common.edit')}
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <p className="muted small">{t('partitions.policy.note')}</p>
        </div>
      )}
      <PolicyDialog entry={entry} onClose={() => setEditing(undefined)} onSave={save} />
    </details>
  );
}
