import { useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { JobRecord } from '@shared/jobs';
import type { TenantSummary } from '@shared/tenants';
import { useToast } from '../../app/toasts';
import { ErrorCallout } from '../../components/ErrorText';
import { SelectField, TextAreaField } from '../../components/fields';
import { FormBody, FormDialog } from '../../components/form/FormDialog';
import { useSubmit } from '../../components/form/useSubmit';
import { serverIssues } from '../../lib/errors';
import { useDebounced } from '../../lib/useDebounced';
import { checkBulk } from './bulkCheck';
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
import { BulkPreview } from './BulkPreview';
import { BulkResultView } from './BulkResultView';
import { FollowedJobRun } from './JobRun';
import type { PlanSummary } from './specModel';
import type { TenantActions } from './useTenants';

/** The list is checked once typing pauses this long (a 10,000-row paste is checked once). */
const CHECK_MS = 250;

interface BulkProps {
  actions: TenantActions;
  /** The blueprint's plans and the catalog as loaded: the preview checks rows against them. */
  plans: readonly PlanSummary[];
  tenants: readonly TenantSummary[];
  onClose: () => void;
}

/**
 * Provision many tenants from CSV or YAML, pasted or read from a file. Every row is checked
 * against every rule at once as it is typed, with a preview of the rows and their problems;
 * the server checks again and refuses the whole list if one row is bad; then one job runs them
 * all and its result lists each row.
 */
export function BulkProvisionDialog({ open, ...props }: BulkProps & { open: boolean }) {
  const { t } = useTranslation();
  return (
    <FormDialog
      open={open}
      onClose={props.onClose}
      size="lg"
      testId="bulk-dialog"
      title={t('tenants.bulk.title')}
    >
      <BulkBody {...props} />
    </FormDialog>
  );
}

function BulkBody({ actions, plans, tenants, onClose }: BulkProps) {
  const { t } = useTranslation();
  const toast = useToast();
  const idp = useId();
  const [format, setFormat] = useState<BulkFormat>('csv');
  const [text, setText] = useState('');
  const [fileError, setFileError] = useState<string | undefined>();
  const [job, setJob] = useState<JobRecord | undefined>();
  const start = useSubmit(async () => setJob(await actions.bulkProvision(format, text)));
  const { busy, error } = start;
  const rows = countBulkRows(format, text);
  const settled = useDebounced(text, CHECK_MS);
  const check = useMemo(
    () => checkBulk(format, settled, { plans, tenants }),
    [format, settled, plans, tenants],
  );
  // Sending waits for the check of what is in the box, and for a list without problems.
  const checkBlocks =
    settled !== text || check.kind === 'unreadable' || (check.kind === 'rows' && check.bad > 0);

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
    start.clearError();
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
    <FormBody
      onSubmit={() => (text.trim() === '' || checkBlocks ? undefined : start.run())}
      onCancel={onClose}
      busy={busy}
      submitLabel={t('tenants.bulk.submit')}
      submitDisabled={text.trim() === '' || checkBlocks}
      submitTestId="bulk-submit"
    >
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
          start.clearError();
        }}
      />
      <BulkPreview check={check} />
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
    </FormBody>
  );
}
