import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConnectionView, EnvironmentView } from '@shared/models/environment';
import { useAppState } from '../../app/AppState';
import { useRefreshShortcut } from '../../app/shortcuts';
import { useToast } from '../../app/toasts';
import { ProductionBadge } from '../../components/badges';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { CsvButton } from '../../components/CsvButton';
import { EmptyState, Loading } from '../../components/EmptyState';
import { ErrorCallout } from '../../components/ErrorText';
import { PageHeader } from '../../components/PageHeader';
import { addressOf, extraEndpoints, tlsLabel } from './connectionText';
import { ConnectionsTable } from './ConnectionsTable';
import { EnvironmentDialog } from './EnvironmentDialog';
import { EnvironmentList } from './EnvironmentList';
import { ConnectionDialog } from './form/ConnectionDialog';
import { TestResultDialog } from './TestResultDialog';
import { useConnectionActions } from './useConnectionActions';
import { YamlExportDialog } from './YamlExportDialog';
import { YamlImportDialog } from './YamlImportDialog';
import './connections.css';

type EnvDialog = { env: EnvironmentView | undefined } | undefined;
type ConnTarget = { env: EnvironmentView; connection: ConnectionView };

export function ConnectionsPage() {
  const { t } = useTranslation();
  const toast = useToast();
  const { envs, envsError, reloadEnvs, activeEnv, setActiveEnv } = useAppState();
  const actions = useConnectionActions();
  const [envDialog, setEnvDialog] = useState<EnvDialog>();
  const [deleteEnv, setDeleteEnv] = useState<EnvironmentView | undefined>();
  const [connDialog, setConnDialog] = useState<{
    env: EnvironmentView;
    connection?: ConnectionView;
  }>();
  const [removeConn, setRemoveConn] = useState<ConnTarget | undefined>();
  const [testing, setTesting] = useState<ConnTarget | undefined>();
  const [exporting, setExporting] = useState<EnvironmentView | undefined>();
  const [importing, setImporting] = useState(false);

  useRefreshShortcut(() => void reloadEnvs());

  const env = activeEnv;
  const readOnly = env?.source === 'env-vars';

  const header = (
    <PageHeader
      title={t('connections.title')}
      actions={
        <>
          <button
            type="button"
            className="btn"
            onClick={() => setImporting(true)}
            data-testid="import-yaml"
          >
            {t('connections.yaml.import')}
          </button>
          <button
            type="button"
            className="btn"
            onClick={() => setEnvDialog({ env: undefined })}
            data-testid="add-environment"
          >
            {t('connections.env.add')}
          </button>
        </>
      }
    />
  );

  const dialogs = (
    <>
      <EnvironmentDialog
        open={envDialog !== undefined}
        env={envDialog?.env}
        existingIds={(envs ?? []).map((e) => e.id)}
        onClose={() => setEnvDialog(undefined)}
        onSaved={(id) => void setActiveEnv(id)}
      />
      <YamlImportDialog
        open={importing}
        envs={envs ?? []}
        onClose={() => setImporting(false)}
        onImported={(id) => void setActiveEnv(id)}
      />
      <YamlExportDialog env={exporting} onClose={() => setExporting(undefined)} />
      <ConfirmDialog
        open={deleteEnv !== undefined}
        onClose={() => setDeleteEnv(undefined)}
        title={t('connections.env.deleteTitle', { name: deleteEnv?.name ?? '' })}
        confirmLabel={t('connections.env.delete')}
        danger
        typeToConfirm={deleteEnv?.id}
        onConfirm={async () => {
          if (!deleteEnv) return;
          await actions.removeEnvironment(deleteEnv.id);
          toast.success(t('connections.env.deleted', { name: deleteEnv.name }));
        }}
      >
        {t('connections.env.deleteBody', { count: deleteEnv?.connections.length ?? 0 })}
      </ConfirmDialog>
      {connDialog && (
        <ConnectionDialog
          open
          env={connDialog.env}
          connection={connDialog.connection}
          onClose={() => setConnDialog(undefined)}
        />
      )}
      <ConfirmDialog
        open={removeConn !== undefined}
        onClose={() => setRemoveConn(undefined)}
        title={t('connections.removeTitle', { name: removeConn?.connection.name ?? '' })}
        confirmLabel={t('common.remove')}
        danger
        typeToConfirm={removeConn?.env.production ? removeConn.connection.id : undefined}
        onConfirm={async () => {
          if (!removeConn) return;
          await actions.removeConnection(removeConn.env.id, removeConn.connection.id);
          toast.success(t('connections.removed', { name: removeConn.connection.name }));
        }}
      >
        {removeConn?.env.production
          ? t('connections.removeBodyProd', { env: removeConn.env.name })
          : t('connections.removeBody')}
      </ConfirmDialog>
      <TestResultDialog target={testing} onClose={() => setTesting(undefined)} />
    </>
  );

  if (envsError && !envs) {
    return (
      <div className="page">
        {header}
        <ErrorCallout error={envsError} onRetry={() => void reloadEnvs()} />
        {dialogs}
      </div>
    );
  }
  if (!envs) {
    return (
      <div className="page">
        {header}
        <Loading label={t('common.loading')} />
      </div>
    );
  }
  if (envs.length === 0 || !env) {
    return (
      <div className="page">
        {header}
        <EmptyState
          title={t('connections.emptyTitle')}
          testId="connections-empty"
          action={
            <button
              type="button"
              className="btn btn-primary"
              onClick={() => setEnvDialog({ env: undefined })}
            >
              {t('connections.env.add')}
            </button>
          }
        >
          {t('connections.emptyBody')}
        </EmptyState>
        {dialogs}
      </div>
    );
  }

  const csvHeader = [
    t('connections.col.env'),
    t('connections.col.id'),
    t('connections.col.name'),
    t('connections.col.kind'),
    t('connections.col.role'),
    t('connections.col.address'),
    t('connections.col.otherEndpoints'),
    t('connections.col.tls'),
    t('connections.col.secret'),
  ];
  const csvRows = () =>
    env.connections.map((c) => [
      env.id,
      c.id,
      c.name,
      t(`kinds.${c.kind}`),
      c.role,
      addressOf(c),
      extraEndpoints(c).join(' '),
      t(`connections.tls.${tlsLabel(c)}`),
      c.hasSecret ? t('common.yes') : t('common.no'),
    ]);

  return (
    <div className="page">
      {header}
      <div className="split">
        <EnvironmentList envs={envs} selectedId={env.id} onSelect={(id) => void setActiveEnv(id)} />
        <section className="split-main" aria-labelledby="env-heading">
          <div className="section-header">
            <h2 id="env-heading">
              {env.name} <span className="muted mono">{env.id}</span>{' '}
              {env.production && <ProductionBadge />}
            </h2>
            <div className="toolbar">
              <button
                type="button"
                className="btn"
                disabled={readOnly}
                onClick={() => setEnvDialog({ env })}
                data-testid="edit-environment"
              >
                {t('connections.env.edit')}
              </button>
              <button
                type="button"
                className="btn"
                onClick={() => setExporting(env)}
                data-testid="export-yaml"
              >
                {t('connections.yaml.export')}
              </button>
              <button
                type="button"
                className="btn btn-danger-quiet"
                disabled={readOnly}
                onClick={() => setDeleteEnv(env)}
                data-testid="delete-environment"
              >
                {t('connections.env.delete')}
              </button>
            </div>
          </div>
          {readOnly && (
            <p className="callout callout-info" role="note" data-testid="env-readonly">
              {t('connections.readOnly')}
            </p>
          )}
          <div className="toolbar">
            <button
              type="button"
              className="btn btn-primary"
              disabled={readOnly}
              onClick={() => setConnDialog({ env })}
              data-testid="add-connection"
            >
              {t('connections.add')}
            </button>
            <span className="muted">{t('connections.blueprint', { name: env.blueprint })}</span>
            <span className="spacer" />
            <CsvButton
              name={`connections-${env.id}`}
              header={csvHeader}
              rows={csvRows}
              disabled={env.connections.length === 0}
            />
          </div>
          {env.connections.length === 0 ? (
            <EmptyState title={t('connections.noConnections')} testId="connections-empty">
              {readOnly
                ? t('connections.noConnectionsReadOnly')
                : t('connections.noConnectionsBody')}
            </EmptyState>
          ) : (
            <ConnectionsTable
              env={env}
              readOnly={readOnly}
              actions={{
                onEdit: (c) => setConnDialog({ env, connection: c }),
                onTest: (c) => setTesting({ env, connection: c }),
                onRemove: (c) => setRemoveConn({ env, connection: c }),
              }}
            />
          )}
        </section>
      </div>
      {dialogs}
    </div>
  );
}
