import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { KeelError } from '@shared/errors';
import type { ConnectionView, EnvironmentView } from '@shared/models/environment';
import type { ProbeResult } from '@shared/models/health';
import { Dialog } from '../../components/Dialog';
import { Loading } from '../../components/EmptyState';
import { ErrorCallout } from '../../components/ErrorText';
import { ProbeResultView } from '../../components/ProbeResultView';
import { toKeelError } from '../../lib/errors';
import { settingsOf } from './connectionText';
import { useConnectionActions } from './useConnectionActions';

/** "Test" on a saved connection: connects once with its stored settings and secret. */
export function TestResultDialog({
  target,
  onClose,
}: {
  target: { env: EnvironmentView; connection: ConnectionView } | undefined;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  return (
    <Dialog
      open={target !== undefined}
      onClose={onClose}
      size="sm"
      closeOnBackdrop
      testId="test-result-dialog"
      title={target ? t('connections.testTitle', { name: target.connection.name }) : ''}
    >
      {target && <TestRun env={target.env} connection={target.connection} onClose={onClose} />}
    </Dialog>
  );
}

function TestRun({
  env,
  connection,
  onClose,
}: {
  env: EnvironmentView;
  connection: ConnectionView;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const { testConnection } = useConnectionActions();
  const [attempt, setAttempt] = useState(0);
  const [result, setResult] = useState<ProbeResult | undefined>();
  const [error, setError] = useState<KeelError | undefined>();

  useEffect(() => {
    let live = true;
    testConnection({ envId: env.id, connection: settingsOf(connection) }).then(
      (r) => live && setResult(r),
      (e: unknown) => live && setError(toKeelError(e)),
    );
    return () => {
      live = false;
    };
  }, [env.id, connection, testConnection, attempt]);

  const busy = !result && !error;
  return (
    <div className="stack">
      {busy && <Loading label={t('connections.testing')} />}
      {result && <ProbeResultView result={result} />}
      {error && <ErrorCallout error={error} />}
      <div className="dialog-actions">
        <button
          type="button"
          className="btn"
          disabled={busy}
          onClick={() => {
            setResult(undefined);
            setError(undefined);
            setAttempt((n) => n + 1);
          }}
        >
          {t('connections.testAgain')}
        </button>
        <button type="button" className="btn btn-primary" onClick={onClose}>
          {t('common.close')}
        </button>
      </div>
    </div>
  );
}
