import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { KeelError } from '@shared/errors';
import type { EnvironmentView } from '@shared/models/environment';
import { useToast } from '../../app/toasts';
import { Dialog } from '../../components/Dialog';
import { ErrorCallout } from '../../components/ErrorText';
import { CheckboxField, TextField } from '../../components/fields';
import { saveTextFile } from '../../lib/download';
import { toKeelError } from '../../lib/errors';
import { useConnectionActions } from './useConnectionActions';

const MIN_PASSPHRASE = 8;

export function YamlExportDialog({
  env,
  onClose,
}: {
  env: EnvironmentView | undefined;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  return (
    <Dialog
      open={env !== undefined}
      onClose={onClose}
      size="md"
      testId="export-yaml-dialog"
      title={env ? t('connections.yaml.exportTitle', { name: env.name }) : ''}
    >
      {env && <ExportBody env={env} onClose={onClose} />}
    </Dialog>
  );
}

function ExportBody({ env, onClose }: { env: EnvironmentView; onClose: () => void }) {
  const { t } = useTranslation();
  const toast = useToast();
  const { exportYaml } = useConnectionActions();
  const idp = useId();
  const [withSecrets, setWithSecrets] = useState(false);
  const [pass, setPass] = useState('');
  const [pass2, setPass2] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<KeelError | undefined>();
  const [out, setOut] = useState<{ yaml: string; secretsIncluded: boolean } | undefined>();

  const passError =
    withSecrets && pass.length < MIN_PASSPHRASE
      ? t('validation.minLength', { n: MIN_PASSPHRASE })
      : undefined;
  const pass2Error = withSecrets && pass2 !== pass ? t('connections.yaml.passMismatch') : undefined;

  const run = async (): Promise<void> => {
    setSubmitted(true);
    if (passError || pass2Error) return;
    setBusy(true);
    setError(undefined);
    try {
      setOut(await exportYaml(env.id, withSecrets ? pass : undefined));
    } catch (e) {
      setError(toKeelError(e));
    } finally {
      setBusy(false);
    }
  };

  const fileName = `${env.id}.keel.yaml`;
  if (out) {
    return (
      <div className="stack">
        <p className={out.secretsIncluded ? 'callout callout-warn' : 'muted'} role="note">
          {out.secretsIncluded
            ? t('connections.yaml.withSecrets')
            : t('connections.yaml.withoutSecrets')}
        </p>
        <label htmlFor={`${idp}-yaml`} className="sr-only">
          {t('connections.yaml.text')}
        </label>
        <textarea
          id={`${idp}-yaml`}
          className="input mono yaml"
          readOnly
          rows={14}
          value={out.yaml}
        />
        <div className="dialog-actions">
          <button
            type="button"
            className="btn"
            onClick={() =>
              void navigator.clipboard.writeText(out.yaml).then(
                () => toast.success(t('common.copied')),
                (e: unknown) => toast.error(e),
              )
            }
          >
            {t('common.copy')}
          </button>
          <button
            type="button"
            className="btn"
            onClick={() => saveTextFile(fileName, out.yaml, 'application/yaml')}
          >
            {t('connections.yaml.saveFile', { file: fileName })}
          </button>
          <span className="spacer" />
          <button type="button" className="btn btn-primary" onClick={onClose}>
            {t('common.done')}
          </button>
        </div>
      </div>
    );
  }

  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void run();
      }}
    >
      <div className="stack">
        <p className="muted">{t('connections.yaml.exportIntro')}</p>
        <CheckboxField
          id={`${idp}-secrets`}
          label={t('connections.yaml.includeSecrets')}
          checked={withSecrets}
          onChange={setWithSecrets}
          hint={t('connections.yaml.includeSecretsHint')}
        />
        {withSecrets && (
          <>
            <TextField
              id={`${idp}-pass`}
              type="password"
              label={t('connections.yaml.passphrase')}
              value={pass}
              onChange={setPass}
              error={submitted ? passError : undefined}
              autoComplete="new-password"
              autoFocus
            />
            <TextField
              id={`${idp}-pass2`}
              type="password"
              label={t('connections.yaml.passphraseAgain')}
              value={pass2}
              onChange={setPass2}
              error={submitted ? pass2Error : undefined}
              autoComplete="new-password"
            />
          </>
        )}
        {error && <ErrorCallout error={error} />}
      </div>
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={onClose} disabled={busy}>
          {t('common.cancel')}
        </button>
        <button
          type="submit"
          className="btn btn-primary"
          disabled={busy}
          data-testid="export-yaml-run"
        >
          {busy ? t('common.working') : t('connections.yaml.export')}
        </button>
      </div>
    </form>
  );
}
