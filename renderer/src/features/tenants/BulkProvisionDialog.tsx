import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { KeelError } from '@shared/errors';
import type { JobRecord } from '@shared/jobs';
import { useToast } from '../../app/toasts';
import { Dialog } from '../../components/Dialog';
import { ErrorCallout } from '../../components/ErrorText';
import { SelectField, TextAreaField } from '../../components/fields';
import { serverIssues, toKeelError } from '../../lib/errors';
import {
  BULK_FORMATS,
  BULK_MAX_BYTES,
  countBulkRows,
  CSV_TEMPLATE,
  guessFormat,
  parseBulkResult,
  YAML_TEMPLATE,
  type BulkFormat,
} from './bulkModel';
import { BulkResultView } from './BulkResultView';
import { FollowedJobRun } from './JobRun';
import type { TenantActions } from './useTenants';

/**
 * Provision many tenants from CSV or YAML, pasted or read from a file. The server checks every row
 * first and refuses the whole list if one is bad (its message names the rows); then one job runs
 * them all and its result lists each row.
 */
export function BulkProvisionDialog({
  open,
  actions,
  onClose,
}: {
  open: boolean;
  actions: TenantActions;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  return (
    <Dialog
      open={open}
      onClose={onClose}
      busy={busy}
      size="lg"
      testId="bulk-dialog"
      title={t('tenants.bulk.title')}
    >
      <BulkBody actions={actions} onBusy={setBusy} onClose={onClose} />
    </Dialog>
  );
}

function BulkBody({
  actions,
  onBusy,
  onClose,
}: {
  actions: TenantActions;
  onBusy: (b: boolean) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const toast = useToast();
  const idp = useId();
  const [format, setFormat] = useState<BulkFormat>('csv');
  const [text, setText] = useState('');
  const [fileError, setFileError] = useState<string | undefined>();
  const [error, setError] = useState<KeelError | undefined>();
  const [busy, setBusy] = useState(false);
  const [job, setJob] = useState<JobRecord | undefined>();
  const rows = countBulkRows(format, text);

  const openFile = async (file: File | undefined): Promise<void> => {
    if (!file) return;
    if (file.size > BULK_MAX_BYTES) {
      setFileError(t('tenants.bulk.tooLarge'));
      return;
    }
    setFileError(undefined);
    const content = await file.text();
    setText(content);
    setFormat(guessFormat(file.name, content));
    setError(undefined);
  };

  const submit = async (): Promise<void> => {
    if (text.trim() === '' || busy) return;
    setBusy(true);
    onBusy(true);
    setError(undefined);
    try {
      setJob(await actions.bulkProvision(format, text));
    } catch (e) {
      setError(toKeelError(e));
    } finally {
      setBusy(false);
      onBusy(false);
    }
  };

  if (job)
    return (
      <div className="stack" data-testid="bulk-progress">
        <FollowedJobRun
          key={job.id}
          initial={job}
          showLog={false}
          failedTitle={t('tenants.bulk.failed')}
          onFinished={(j) => {
            const r = parseBulkResult(j.result);
            if (j.state === 'completed' && r)
              toast.success(t('tenants.bulk.done', { ok: r.ok, failed: r.failed }));
          }}
        >
          {(j) => {
            const r = parseBulkResult(j.result);
            return r ? <BulkResultView result={r} /> : null;
          }}
        </FollowedJobRun>
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose} data-testid="bulk-close">
            {t('common.close')}
          </button>
        </div>
      </div>
    );

  const issues = error ? serverIssues(error) : [];
  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <div className="stack">
        <p className="small">{t('tenants.bulk.intro')}</p>
        <div className="form-grid">
          <SelectField
            id={`${idp}-format`}
            label={t('tenants.bulk.format')}
            value={format}
            testId="bulk-format"
            options={BULK_FORMATS.map((f) => ({ value: f, label: t(`tenants.bulk.formats.${f}`) }))}
            onChange={setFormat}
          />
          <div className="field">
            <label htmlFor={`${idp}-file`}>{t('tenants.bulk.file')}</label>
            <input
              id={`${idp}-file`}
              type="file"
              accept=".csv,.yaml,.yml,.txt,text/csv,application/yaml,text/yaml"
              data-testid="bulk-file"
              onChange={(e) => void openFile(e.target.files?.[0])}
            />
            {fileError && (
              <div className="field-error" role="alert">
                {fileError}
              </div>
            )}
          </div>
        </div>
        <TextAreaField
          id={`${idp}-text`}
          label={t('tenants.bulk.text')}
          value={text}
          rows={12}
          testId="bulk-text"
          placeholder={format === 'csv' ? CSV_TEMPLATE : YAML_TEMPLATE}
          hint={
            <>
              {t(`tenants.bulk.help.${format}`)}{' '}
              {text.trim() !== '' && (
                <strong data-testid="bulk-count">{t('tenants.bulk.count', { count: rows })}</strong>
              )}
            </>
          }
          onChange={(v) => {
            setText(v);
            setError(undefined);
          }}
        />
        {error && (
          <div data-testid="bulk-refused">
            <ErrorCallout error={error} title={t('tenants.bulk.refused')} />
            {issues.length > 0 && (
              <ul className="callout issue-list">
                {issues.slice(0, 50).map((i, n) => (
                  <li key={n}>
                    {i.path.length > 0 && <code>{i.path.join('.')}</code>} {i.message}
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
      </div>
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={onClose} disabled={busy}>
          {t('common.cancel')}
        </button>
        <button
          type="submit"
          className="btn btn-primary"
          disabled={busy || text.trim() === ''}
          data-testid="bulk-submit"
        >
          {busy ? t('common.working') : t('tenants.bulk.submit')}
        </button>
      </div>
    </form>
  );
}
