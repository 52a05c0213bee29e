import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Alert } from '@shared/alerts';
import type { MetricUnit } from '@shared/monitoring';
import { useToast } from '../../app/toasts';
import { Dialog } from '../../components/Dialog';
import { ErrorCallout } from '../../components/ErrorText';
import { Loading } from '../../components/EmptyState';
import { useFormat } from '../../lib/useFormat';
import { AckDialog, ResolveDialog, SilenceAlertDialog } from './AlertActionDialogs';
import { AlertChart } from './AlertChart';
import { AlertStateBadge, SeverityBadge, SilencedMarker } from './alertBadges';
import { thresholdText } from './threshold';
import { openRunbook, useAlertDetail, type AlertsState } from './useAlerts';

type Action = 'ack' | 'resolve' | 'silence' | undefined;

/** One alert: what, where, the metric around it, its history, and what to do about it. */
export function AlertDrawer({
  alert,
  alerts,
  onClose,
}: {
  alert: Alert | undefined;
  alerts: AlertsState;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  return (
    <Dialog
      open={alert !== undefined}
      onClose={onClose}
      title={alert ? alert.ruleName : t('alerts.title')}
      variant="drawer"
      size="lg"
      closeOnBackdrop
      testId="alert-drawer"
    >
      {alert && <DrawerBody alert={alert} alerts={alerts} />}
    </Dialog>
  );
}

function DrawerBody({ alert: a, alerts }: { alert: Alert; alerts: AlertsState }) {
  const { t, i18n } = useTranslation();
  const unitWord = (u: MetricUnit): string => t(`alerts.units.${u}`);
  const fmt = useFormat();
  const toast = useToast();
  const detail = useAlertDetail(a);
  const [action, setAction] = useState<Action>();
  const rule = detail.data?.rule ?? null;
  const runbook = a.runbookUrl ?? rule?.runbookUrl ?? null;
  const open = a.state !== 'resolved';

  return (
    <div className="stack alert-detail" data-testid="alert-detail" data-state={a.state}>
      <div className="toolbar">
        <SeverityBadge severity={a.severity} />
        <AlertStateBadge state={a.state} />
        {a.silenced && <SilencedMarker />}
        <span className="spacer" />
        <button
          type="button"
          className="btn btn-primary"
          disabled={a.state !== 'firing' && a.state !== 'pending'}
          data-testid="alert-ack"
          onClick={() => setAction('ack')}
        >
          {t('alerts.acknowledge')}
        </button>
        <button
          type="button"
          className="btn"
          disabled={!open}
          data-testid="alert-resolve"
          onClick={() => setAction('resolve')}
        >
          {t('alerts.resolve')}
        </button>
        <button
          type="button"
          className="btn"
          disabled={!open}
          data-testid="alert-silence"
          onClick={() => setAction('silence')}
        >
          {t('alerts.silence')}
        </button>
      </div>
      <p data-testid="alert-summary">{a.summary}</p>
      <dl className="kv">
        <dt>{t('alerts.col.value')}</dt>
        <dd className="mono" data-testid="alert-value">
          {a.value === null
            ? '—'
            : thresholdText(rule?.metric, a.value, i18n.language, unitWord, 4)}
          {rule?.type === 'threshold' && (
            <span className="muted">
              {' '}
              ({rule.op} {thresholdText(rule.metric, rule.threshold, i18n.language, unitWord)})
            </span>
          )}
        </dd>
        <dt>{t('alerts.startsAt')}</dt>
        <dd>{fmt.dateTime(a.startsAt)}</dd>
        {a.firingAt && (
          <>
            <dt>{t('alerts.firingAt')}</dt>
            <dd>{fmt.dateTime(a.firingAt)}</dd>
          </>
        )}
        {a.acknowledgedAt && (
          <>
            <dt>{t('alerts.state.acknowledged')}</dt>
            <dd data-testid="alert-acked">
              {t('alerts.ackedBy', {
                who: a.acknowledgedBy ?? '?',
                at: fmt.dateTime(a.acknowledgedAt),
              })}
              {a.ackUntil && ` · ${t('alerts.ackUntil', { at: fmt.dateTime(a.ackUntil) })}`}
              {a.ackNote && <div className="muted">{a.ackNote}</div>}
            </dd>
          </>
        )}
        {a.resolvedAt && (
          <>
            <dt>{t('alerts.state.resolved')}</dt>
            <dd>{fmt.dateTime(a.resolvedAt)}</dd>
          </>
        )}
        <dt>{t('alerts.labels')}</dt>
        <dd>
          <ul className="label-list" data-testid="alert-labels">
            {Object.keys(a.labels)
              .sort()
              .map((k) => (
                <li key={k} className="chip mono">
                  {k}={a.labels[k]}
                </li>
              ))}
          </ul>
        </dd>
        {runbook && (
          <>
            <dt>{t('alerts.runbook')}</dt>
            <dd>
              <a
                href={runbook}
                className="mono"
                data-testid="alert-runbook"
                onClick={(e) => {
                  e.preventDefault();
                  openRunbook(runbook).catch((err: unknown) =>
                    toast.error(err, t('alerts.openFailed')),
                  );
                }}
              >
                {runbook}
              </a>
            </dd>
          </>
        )}
      </dl>
      <AlertChart alert={a} rule={rule} />
      <section aria-label={t('alerts.history')}>
        <h3>{t('alerts.history')}</h3>
        {detail.error && <ErrorCallout error={detail.error} onRetry={() => void detail.reload()} />}
        {!detail.data && !detail.error ? (
          <Loading label={t('common.loading')} />
        ) : (
          <ol className="alert-history" data-testid="alert-history">
            {(detail.data?.history ?? []).map((h, i) => (
              <li key={`${h.at}-${i}`} data-testid="alert-history-entry" data-to={h.to}>
                <time dateTime={h.at}>{fmt.dateTime(h.at)}</time>{' '}
                {h.from ? `${t(`alerts.state.${h.from}`)} → ` : ''}
                <AlertStateBadge state={h.to} />{' '}
                <span className="muted">{h.by === 'evaluator' ? t('alerts.evaluator') : h.by}</span>
                {h.value !== null && (
                  <span className="mono">
                    {' '}
                    · {thresholdText(rule?.metric, h.value, i18n.language, unitWord, 4)}
                  </span>
                )}
                {h.note && <div className="history-note">{h.note}</div>}
              </li>
            ))}
          </ol>
        )}
      </section>
      <AckDialog
        open={action === 'ack'}
        onClose={() => setAction(undefined)}
        onConfirm={async (note, minutes) => {
          await alerts.acknowledge(a, note, minutes);
          toast.success(t('alerts.acked', { name: a.ruleName }));
        }}
      />
      <ResolveDialog
        open={action === 'resolve'}
        onClose={() => setAction(undefined)}
        onConfirm={async (note) => {
          await alerts.resolve(a, note);
          toast.success(t('alerts.resolved', { name: a.ruleName }));
        }}
      />
      <SilenceAlertDialog
        open={action === 'silence'}
        alert={a}
        onClose={() => setAction(undefined)}
        onDone={() => toast.success(t('alerts.silencedToast', { name: a.ruleName }))}
      />
    </div>
  );
}
