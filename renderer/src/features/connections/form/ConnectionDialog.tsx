import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConnectionView, EnvironmentView } from '@shared/models/environment';
import type { ProbeResult } from '@shared/models/health';
import { parseConnectionUri } from '@shared/models/uri';
import { useToast } from '../../../app/toasts';
import { ErrorCallout } from '../../../components/ErrorText';
import { FormDialog } from '../../../components/form/FormDialog';
import { useSubmit } from '../../../components/form/useSubmit';
import { ProbeResultView } from '../../../components/ProbeResultView';
import { serverIssues, toKeelError } from '../../../lib/errors';
import { useConnectionActions } from '../useConnectionActions';
import { LimitsSection, TlsSection } from './AdvancedSections';
import { BasicSection } from './BasicSection';
import {
  applyParsedUri,
  changeKind,
  emptyForm,
  slugify,
  toFormValues,
  type FieldName,
  type FormIssue,
  type FormValues,
} from './formModel';
import { issuesFromServer, splitIssues, validateForm } from './formValidation';
import { useIssueText } from './issueText';
import { KindSection } from './KindSection';
import type { SectionProps } from './sectionProps';
import { UriPaste } from './UriPaste';

type ConnectionPayload = Parameters<ReturnType<typeof useConnectionActions>['saveConnection']>[0];

export interface ConnectionDialogProps {
  open: boolean;
  onClose: () => void;
  env: EnvironmentView;
  /** The connection to edit; undefined adds a new one. */
  connection: ConnectionView | undefined;
}

export function ConnectionDialog({ open, onClose, env, connection }: ConnectionDialogProps) {
  const { t } = useTranslation();
  return (
    <FormDialog
      open={open}
      onClose={onClose}
      size="lg"
      testId="connection-dialog"
      title={
        connection
          ? t('connections.form.editTitle', { name: connection.name })
          : t('connections.form.addTitle', { env: env.name })
      }
    >
      <ConnectionForm env={env} connection={connection} onDone={onClose} />
    </FormDialog>
  );
}

function ConnectionForm({
  env,
  connection,
  onDone,
}: {
  env: EnvironmentView;
  connection: ConnectionView | undefined;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const toast = useToast();
  const issueText = useIssueText();
  const actions = useConnectionActions();
  const idp = useId();
  const formRef = useRef<HTMLFormElement>(null);
  const outcomeRef = useRef<HTMLDivElement>(null);
  const editing = connection !== undefined;
  const hasSecret = connection?.hasSecret ?? false;

  const [values, setValues] = useState<FormValues>(() =>
    connection ? toFormValues(connection) : emptyForm(),
  );
  const [touched, setTouched] = useState<ReadonlySet<FieldName>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [idTouched, setIdTouched] = useState(editing);
  const [server, setServer] = useState<FormIssue[]>([]);
  const [running, setRunning] = useState<'save' | 'test'>('save');
  const [testResult, setTestResult] = useState<ProbeResult | undefined>();

  const existingIds = useMemo(
    () => (editing ? [] : env.connections.map((c) => c.id)),
    [editing, env.connections],
  );
  const validated = useMemo(() => validateForm(values, existingIds), [values, existingIds]);
  const local = splitIssues(validated.issues);
  const remote = splitIssues(server);

  const idOf = (f: FieldName): string => `${idp}-${f}`;
  const err = (f: FieldName): string | undefined => {
    const s = remote.byField[f];
    if (s) return issueText(s);
    const l = local.byField[f];
    return l && (submitted || touched.has(f)) ? issueText(l) : undefined;
  };

  const set: SectionProps['set'] = (field, value) => {
    setValues((v) => {
      if (field === 'kind') return changeKind(v, value as FormValues['kind']);
      const next = { ...v, [field]: value };
      if (field === 'name' && !idTouched) next.id = slugify(value as string);
      return next;
    });
    if (field === 'id') setIdTouched(true);
    setTouched((s) => new Set(s).add(field));
    setServer((list) => list.filter((i) => i.field !== field));
    setTestResult(undefined);
  };

  const call = useSubmit(async (what: 'save' | 'test', payload: ConnectionPayload) => {
    try {
      if (what === 'test') {
        setTestResult(await actions.testConnection(payload));
      } else {
        await actions.saveConnection(payload);
        toast.success(t('connections.form.saved', { name: payload.connection.name }));
        onDone();
      }
    } catch (e) {
      // Issues on fields show there; the callout keeps anything that belongs to no field.
      const ke = toKeelError(e);
      const issues = issuesFromServer(serverIssues(ke));
      setServer(issues);
      if (issues.length === 0 || issues.some((i) => i.field === undefined)) throw ke;
    }
  });
  const busy = call.busy ? running : undefined;
  const callError = call.error;

  // A test result or a failed call appears below the fold of a long form: bring it into view.
  useEffect(() => {
    if (testResult || callError) outcomeRef.current?.scrollIntoView({ block: 'nearest' });
  }, [testResult, callError]);

  const run = async (what: 'save' | 'test'): Promise<void> => {
    setSubmitted(true);
    call.clearError();
    setServer([]);
    const input = validated.input;
    if (!input) {
      requestAnimationFrame(() =>
        formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus(),
      );
      return;
    }
    setRunning(what);
    await call.run(what, {
      envId: env.id,
      connection: input.connection,
      ...(input.secret && { secret: input.secret }),
    });
  };

  const section: SectionProps = { values, set, err, idOf, editing, hasSecret };
  const general = [...remote.general, ...(submitted ? local.general : [])];

  return (
    <form
      ref={formRef}
      className="connection-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void run('save');
      }}
    >
      <UriPaste
        id={idOf('host') + '-uri'}
        onParsed={(parsed) => {
          setValues((v) => {
            const next = applyParsedUri(v, parsed);
            return idTouched ? next : { ...next, id: slugify(next.name) };
          });
          setServer([]);
          setTestResult(undefined);
        }}
        parse={parseConnectionUri}
      />
      <BasicSection {...section} />
      {hasSecret && (
        <p className="field-hint" role="note">
          {t('connections.form.secretKeepNote')}
        </p>
      )}
      <KindSection {...section} />
      <TlsSection {...section} />
      <LimitsSection {...section} />

      {general.length > 0 && (
        <ul className="callout callout-error" role="alert">
          {general.map((i, n) => (
            <li key={n}>{issueText(i)}</li>
          ))}
        </ul>
      )}
      <div ref={outcomeRef} className="stack">
        {callError && <ErrorCallout error={callError} />}
        {testResult && <ProbeResultView result={testResult} />}
      </div>

      <div className="dialog-actions">
        <button
          type="button"
          className="btn"
          disabled={busy !== undefined}
          data-testid="test-connection"
          onClick={() => void run('test')}
        >
          {busy === 'test' ? t('connections.testing') : t('connections.test')}
        </button>
        <span className="spacer" />
        <button type="button" className="btn" disabled={busy !== undefined} onClick={onDone}>
          {t('common.cancel')}
        </button>
        <button
          type="submit"
          className="btn btn-primary"
          disabled={busy !== undefined}
          data-testid="save-connection"
        >
          {busy === 'save' ? t('common.saving') : t('common.save')}
        </button>
      </div>
    </form>
  );
}
