import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useAppState } from '../../app/AppState';
import { hashParam, setHashParams, useHashParams } from '../../app/hashParams';
import { hrefOf } from '../../app/router';
import { KindBadge } from '../../components/badges';
import { EmptyState } from '../../components/EmptyState';
import { PageHeader } from '../../components/PageHeader';
import { useNow } from '../../lib/useNow';
import { MetricChart } from './MetricChart';
import { chartMetrics, stepFor, type TimeRange } from './metricMath';
import { RangeBar, type RangeChoice, rangeOf } from './RangeBar';
import { choiceOfParam, paramOfChoice, paramOfRange, rangeOfParam } from './rangeParam';
import { TenantActivityPanel } from './TenantActivityPanel';

/** A store's charts over a range (1 h / 24 h / 7 d / custom, drag to zoom) and, for MySQL, tenants. */
export function StorePage({ envId, connectionId }: { envId: string; connectionId: string }) {
  const { t } = useTranslation();
  const { envs } = useAppState();
  const env = envs?.find((e) => e.id === envId);
  const connection = env?.connections.find((c) => c.id === connectionId);
  // Range and zoom are in the address (`?range=24h`, `?zoom=<from>-<to>`): a refresh keeps them.
  const params = useHashParams();
  const choice = useMemo(() => choiceOfParam(hashParam(params, 'range')), [params]);
  const zoom = useMemo(() => {
    const z = rangeOfParam(hashParam(params, 'zoom'));
    return typeof z === 'object' ? z : undefined;
  }, [params]);
  const setChoice = (c: RangeChoice): void => setHashParams({ range: paramOfChoice(c) });
  const setZoom = (z: TimeRange | undefined): void =>
    setHashParams({ zoom: z ? paramOfRange(z) : undefined });
  // Preset ranges end now and move with it; charts reload every half minute.
  const now = useNow(30_000, zoom === undefined && 'preset' in choice);
  const base = useMemo(() => rangeOf(choice, now), [choice, now]);
  const range = zoom ?? base;
  const stepSec = stepFor(range.from, range.to);
  const metrics = useMemo(() => (connection ? chartMetrics(connection.kind) : []), [connection]);

  if (envs && !connection) {
    return (
      <div className="page">
        <EmptyState
          title={t('monitoring.storeNotFound', { id: `${envId}/${connectionId}` })}
          action={
            <a className="btn" href={hrefOf('overview')}>
              {t('monitoring.backToOverview')}
            </a>
          }
        />
      </div>
    );
  }

  return (
    <div className="page store-page" data-testid="store-page" data-connection-id={connectionId}>
      <PageHeader
        title={connection?.name ?? connectionId}
        subtitle={
          <span className="store-page-sub">
            <a href={hrefOf('overview')} data-testid="back-to-overview">
              ← {t('monitoring.title')}
            </a>
            <span aria-hidden="true"> · </span>
            {env?.name ?? envId}
            {connection && <KindBadge kind={connection.kind} />}
          </span>
        }
      />
      <RangeBar
        // A new choice or zoom resets the custom inputs to the range shown.
        key={`${JSON.stringify(choice)}:${zoom?.from ?? ''}`}
        choice={choice}
        onChoose={(c) => {
          setZoom(undefined);
          setChoice(c);
        }}
        zoomed={zoom !== undefined}
        onResetZoom={() => setZoom(undefined)}
        range={range}
        stepSec={stepSec}
      />
      {connection?.kind === 'mysql' && (
        <TenantActivityPanel envId={envId} connectionId={connectionId} />
      )}
      <section aria-label={t('monitoring.metrics')} className="chart-grid">
        {metrics.map((m) => (
          <MetricChart
            key={m}
            envId={envId}
            connectionId={connectionId}
            metric={m}
            range={range}
            stepSec={stepSec}
            onZoom={setZoom}
          />
        ))}
      </section>
    </div>
  );
}
