import { useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SEVERITIES, type AlertRule, type AlertRuleInput, type Comparison } from '@shared/alerts';
import { METRICS, isMetricName } from '@shared/monitoring';
import { CheckboxField, SelectField, TextAreaField, TextField } from '../../components/fields';
import { FormBody, FormDialog } from '../../components/form/FormDialog';
import { useSubmit } from '../../components/form/useSubmit';
import { RulePreviewChart } from './RulePreviewChart';
import { checkRule, EMPTY_RULE_FORM, formFromRule, type RuleForm } from './ruleForm';
import { useRulePreview } from './usePreview';

const OPS: readonly Comparison[] = ['>', '>=', '<', '<=', '==', '!='];
const METRIC_OPTIONS = Object.keys(METRICS).sort();

export function RuleEditor({
  open,
  envId,
  rule,
  existingIds,
  onClose,
  onSave,
}: {
  open: boolean;
  envId: string;
  /** Undefined: a new rule. */
  rule: AlertRule | undefined;
  existingIds: readonly string[];
  onClose: () => void;
  onSave: (r: AlertRuleInput) => Promise<unknown>;
}) {
  const { t } = useTranslation();
  return (
    <FormDialog
      open={open}
      onClose={onClose}
      size="lg"
      title={rule ? t('alerts.editRule', { name: rule.name }) : t('alerts.addRule')}
      testId="rule-editor"
    >
      <EditorBody
        envId={envId}
        rule={rule}
        existingIds={existingIds}
        onClose={onClose}
        onSave={onSave}
      />
    </FormDialog>
  );
}

function EditorBody({
  envId,
  rule,
  existingIds,
  onClose,
  onSave,
}: {
  envId: string;
  rule: AlertRule | undefined;
  existingIds: readonly string[];
  onClose: () => void;
  onSave: (r: AlertRuleInput) => Promise<unknown>;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [form, setForm] = useState<RuleForm>(() => (rule ? formFromRule(rule) : EMPTY_RULE_FORM));
  const [touched, setTouched] = useState(false);
  const submit = useSubmit(async (r: AlertRuleInput) => {
    await onSave(r);
    onClose();
  });
  // Scope and description are not edited here: keep what the rule had.
  const check = useMemo(
    () =>
      checkRule(
        form,
        envId,
        rule
          ? { scope: rule.scope, ...(rule.description && { description: rule.description }) }
          : {},
      ),
    [form, envId, rule],
  );
  const duplicate = !rule && existingIds.includes(check.input.id);
  const preview = useRulePreview(check.rule);
  const set = <K extends keyof RuleForm>(k: K, v: RuleForm[K]): void => {
    setTouched(true);
    setForm((f) => ({ ...f, [k]: v }));
  };
  const issue = (k: string): string | undefined => (touched ? check.issues[k] : undefined);
  const spec = isMetricName(form.metric) ? METRICS[form.metric] : undefined;
  const labelError =
    check.labelIssues.length > 0
      ? check.labelIssues
          .map((i) =>
            t('alerts.labelIssue', { line: i.line, what: t(`alerts.labelIssues.${i.kind}`) }),
          )
          .join('; ')
      : issue('labels');

  const save = async (): Promise<void> => {
    setTouched(true);
    if (!check.rule || duplicate) return;
    await submit.run(check.rule);
  };

  return (
    <FormBody
      onSubmit={save}
      onCancel={onClose}
      busy={submit.busy}
      error={submit.error}
      errorTitle={t('alerts.saveFailed')}
      submitDisabled={touched && (!check.rule || duplicate)}
      submitTestId="rule-save"
    >
      <div className="rule-editor-grid">
        <div className="stack">
          <TextField
            id={`${id}-name`}
            label={t('alerts.rule.name')}
            value={form.name}
            error={issue('name')}
            hint={rule ? undefined : t('alerts.rule.idHint', { id: check.input.id || '—' })}
            testId="rule-name"
            autoFocus
            onChange={(v) => set('name', v)}
          />
          {duplicate && <div className="field-error">{t('alerts.rule.duplicate')}</div>}
          <div className="form-row">
            <SelectField
              id={`${id}-type`}
              label={t('alerts.rule.type')}
              value={form.type}
              testId="rule-type"
              options={[
                { value: 'threshold', label: t('alerts.rule.threshold') },
                { value: 'deadman', label: t('alerts.rule.deadman') },
              ]}
              onChange={(v) => set('type', v)}
            />
            <SelectField
              id={`${id}-severity`}
              label={t('alerts.col.severity')}
              value={form.severity}
              testId="rule-severity"
              options={SEVERITIES.map((s) => ({ value: s, label: t(`alerts.severity.${s}`) }))}
              onChange={(v) => set('severity', v)}
            />
          </div>
          {form.type === 'threshold' && (
            <>
              <SelectField
                id={`${id}-metric`}
                label={t('alerts.rule.metric')}
                value={form.metric}
                error={issue('metric')}
                hint={spec ? `${spec.description} · ${t(`alerts.units.${spec.unit}`)}` : undefined}
                testId="rule-metric"
                options={[
                  { value: '', label: '—' },
                  // A rule may name a metric this build does not list (newer collector): keep it.
                  ...(form.metric && !METRIC_OPTIONS.includes(form.metric)
                    ? [{ value: form.metric, label: form.metric }]
                    : []),
                  ...METRIC_OPTIONS.map((m) => ({ value: m, label: m })),
                ]}
                onChange={(v) => set('metric', v)}
              />
              <div className="form-row">
                <SelectField
                  id={`${id}-op`}
                  label={t('alerts.rule.op')}
                  value={form.op}
                  testId="rule-op"
                  options={OPS.map((o) => ({ value: o, label: o }))}
                  onChange={(v) => set('op', v)}
                />
                <TextField
                  id={`${id}-threshold`}
                  label={t('alerts.threshold')}
                  value={form.threshold}
                  error={issue('threshold')}
                  mono
                  inputMode="text"
                  testId="rule-threshold"
                  onChange={(v) => set('threshold', v)}
                />
                <TextField
                  id={`${id}-clear`}
                  label={t('alerts.rule.clearThreshold')}
                  value={form.clearThreshold}
                  error={issue('clearThreshold')}
                  placeholder={form.threshold}
                  mono
                  testId="rule-clear-threshold"
                  onChange={(v) => set('clearThreshold', v)}
                />
              </div>
            </>
          )}
          <div className="form-row">
            <TextField
              id={`${id}-for`}
              label={t('alerts.rule.forSec')}
              value={form.forSec}
              error={issue('forSec')}
              mono
              inputMode="numeric"
              testId="rule-for"
              onChange={(v) => set('forSec', v)}
            />
            <TextField
              id={`${id}-min`}
              label={t('alerts.rule.minStateSec')}
              value={form.minStateSec}
              error={issue('minStateSec')}
              mono
              inputMode="numeric"
              testId="rule-min-state"
              onChange={(v) => set('minStateSec', v)}
            />
            {form.type === 'deadman' && (
              <TextField
                id={`${id}-missed`}
                label={t('alerts.rule.missedIntervals')}
                value={form.missedIntervals}
                error={issue('missedIntervals')}
                mono
                inputMode="numeric"
                testId="rule-missed"
                onChange={(v) => set('missedIntervals', v)}
              />
            )}
          </div>
          <TextAreaField
            id={`${id}-labels`}
            label={t('alerts.labels')}
            hint={t('alerts.labelsHint')}
            value={form.labels}
            error={labelError}
            rows={3}
            placeholder="team=dba"
            testId="rule-labels"
            onChange={(v) => set('labels', v)}
          />
          <TextField
            id={`${id}-runbook`}
            label={t('alerts.runbook')}
            type="url"
            value={form.runbookUrl}
            error={issue('runbookUrl')}
            placeholder="https://"
            testId="rule-runbook"
            onChange={(v) => set('runbookUrl', v)}
          />
          <CheckboxField
            id={`${id}-enabled`}
            label={t('alerts.rule.enabled')}
            checked={form.enabled}
            testId="rule-enabled"
            onChange={(v) => set('enabled', v)}
          />
        </div>
        <RulePreviewChart rule={check.rule} state={preview} />
      </div>
    </FormBody>
  );
}
