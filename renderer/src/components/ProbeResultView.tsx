import { useTranslation } from 'react-i18next';
import type { ProbeResult } from '@shared/models/health';
import { useFormat } from '../lib/useFormat';
import { StatusBadge } from './badges';
import { PlainErrorView } from './ErrorText';

/** What one probe found: status, latency, version, role, or the error and what to check. */
export function ProbeResultView({ result }: { result: ProbeResult }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  return (
    <div
      className="probe-result"
      role="status"
      data-testid="probe-result"
      data-status={result.status}
    >
      <div className="probe-result-head">
        <StatusBadge status={result.status} />
        <span className="mono">{result.address}</span>
      </div>
      <dl className="kv">
        <dt>{t('health.latency')}</dt>
        <dd data-testid="latency">
          {result.latencyMs !== undefined ? fmt.latency(result.latencyMs) : '—'}
        </dd>
        <dt>{t('health.version')}</dt>
        <dd data-testid="version" className="mono">
          {result.version ?? '—'}
        </dd>
        <dt>{t('health.serverRole')}</dt>
        <dd>{result.serverRole ? t(`health.serverRoles.${result.serverRole}`) : '—'}</dd>
        {result.uptimeSec !== undefined && (
          <>
            <dt>{t('health.uptime')}</dt>
            <dd>{fmt.duration(result.uptimeSec)}</dd>
          </>
        )}
      </dl>
      {result.error && <PlainErrorView error={result.error} />}
    </div>
  );
}
