import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { KeelError } from '@shared/errors';
import type { JobRecord } from '@shared/jobs';
import type { BlueprintSummary } from '@shared/tenants';
import { hrefOf } from '../../app/router';
import { useToast } from '../../app/toasts';
import { EmptyState } from '../../components/EmptyState';
import { ErrorCallout } from '../../components/ErrorText';
import { FollowedJobRun } from './JobRun';
import type { TenantActions } from './useTenants';

/** Codes that mean "this environment cannot hold tenants yet", not "something broke". */
const SETUP_CODES = new Set(['PRECONDITION_FAILED', 'NOT_FOUND']);

/** The blueprint or the list could not be read: the server's message, and what to do about it. */
export function TenantsLoadError({
  error,
  title,
  onRetry,
}: {
  error: KeelError;
  title: string;
  onRetry: () => void;
}) {
  const { t } = useTranslation();
  return (
    <div className="stack" data-testid="tenants-error" data-code={error.code}>
      <ErrorCallout error={error} title={title} onRetry={onRetry} />
      {SETUP_CODES.has(error.code) && (
        <p className="callout callout-info" role="note">
          {t('tenants.setupHint')}{' '}
          <a href={hrefOf('connections')}>{t('tenants.openConnections')}</a>
        </p>
      )}
    </div>
  );
}

/**
 * The catalog and the shared databases do not exist yet: say so, and create them from the
 * blueprint (an idempotent job) with its progress shown here.
 */
export function ApplyBlueprint({
  blueprint,
  envName,
  actions,
  onApplied,
}: {
  blueprint: BlueprintSummary;
  envName: string;
  actions: TenantActions;
  onApplied: () => void;
}) {
  const { t } = useTranslation();
  const toast = useToast();
  const [job, setJob] = useState<JobRecord | undefined>();
  const [starting, setStarting] = useState(false);

  const apply = async (): Promise<void> => {
    setStarting(true);
    try {
      setJob(await actions.applyBlueprint());
    } catch (e) {
      toast.error(e, t('tenants.apply.startFailed'));
    } finally {
      setStarting(false);
    }
  };
  const running = job !== undefined && (job.state === 'queued' || job.state === 'running');

  return (
    <div className="stack">
      <EmptyState
        title={t('tenants.apply.title')}
        testId="blueprint-not-applied"
        action={
          <button
            type="button"
            className="btn btn-primary"
            disabled={starting || running}
            data-testid="apply-blueprint"
            onClick={() => void apply()}
          >
            {starting ? t('common.working') : t('tenants.apply.button')}
          </button>
        }
      >
        {t('tenants.apply.body', {
          env: envName,
          name: blueprint.name,
          version: blueprint.version,
          database: blueprint.catalog.database,
          connection: blueprint.catalog.connectionId ?? t('tenants.apply.noCore'),
        })}
      </EmptyState>
      {job && (
        <FollowedJobRun
          key={job.id}
          initial={job}
          failedTitle={t('tenants.apply.failed')}
          onFinished={(j) => {
            setJob(j);
            if (j.state === 'completed') {
              toast.success(t('tenants.apply.done', { env: envName }));
              onApplied();
            }
          }}
        />
      )}
    </div>
  );
}
