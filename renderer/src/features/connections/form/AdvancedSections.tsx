import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { CheckboxField, TextAreaField, TextField } from '../../../components/fields';
import type { FieldName } from './formModel';
import type { SectionProps } from './sectionProps';

const TLS_FIELDS: FieldName[] = [
  'tlsEnabled',
  'tlsVerify',
  'tlsCa',
  'tlsCert',
  'tlsKey',
  'tlsServername',
];
const LIMIT_FIELDS: FieldName[] = [
  'poolMax',
  'poolMin',
  'poolIdleTimeoutMs',
  'connectMs',
  'operationMs',
];

/** A collapsible section that opens by itself when one of its fields has an error. */
function Collapsible({
  title,
  summary,
  forceOpen,
  children,
}: {
  title: string;
  summary: string;
  forceOpen: boolean;
  children: ReactNode;
}) {
  const [open, setOpen] = useState(false);
  return (
    <details
      className="form-section collapsible"
      open={open || forceOpen}
      onToggle={(e) => setOpen(e.currentTarget.open)}
    >
      <summary>
        <span className="collapsible-title">{title}</span> <span className="muted">{summary}</span>
      </summary>
      <div className="collapsible-body">{children}</div>
    </details>
  );
}

export function TlsSection({ values, set, err, idOf, hasSecret }: SectionProps) {
  const { t } = useTranslation();
  const summary = !values.tlsEnabled
    ? t('connections.tls.off')
    : values.tlsVerify
      ? t('connections.tls.verified')
      : t('connections.tls.noVerify');
  return (
    <Collapsible
      title={t('connections.form.tls')}
      summary={summary}
      forceOpen={TLS_FIELDS.some((f) => err(f) !== undefined)}
    >
      <CheckboxField
        id={idOf('tlsEnabled')}
        label={t('connections.form.tlsEnabled')}
        checked={values.tlsEnabled}
        onChange={(v) => set('tlsEnabled', v)}
      />
      {values.tlsEnabled && (
        <>
          <CheckboxField
            id={idOf('tlsVerify')}
            label={t('connections.form.tlsVerify')}
            checked={values.tlsVerify}
            onChange={(v) => set('tlsVerify', v)}
            hint={values.tlsVerify ? undefined : t('connections.form.tlsVerifyOff')}
          />
          <TextField
            id={idOf('tlsServername')}
            label={t('connections.form.tlsServername')}
            value={values.tlsServername}
            onChange={(v) => set('tlsServername', v)}
            error={err('tlsServername')}
            hint={t('connections.form.tlsServernameHint')}
            mono
          />
          <TextAreaField
            id={idOf('tlsCa')}
            label={t('connections.form.tlsCa')}
            value={values.tlsCa}
            onChange={(v) => set('tlsCa', v)}
            error={err('tlsCa')}
            hint={t('connections.form.tlsCaHint')}
            placeholder="-----BEGIN CERTIFICATE-----"
          />
          <TextAreaField
            id={idOf('tlsCert')}
            label={t('connections.form.tlsCert')}
            value={values.tlsCert}
            onChange={(v) => set('tlsCert', v)}
            error={err('tlsCert')}
            placeholder="-----BEGIN CERTIFICATE-----"
          />
          <TextAreaField
            id={idOf('tlsKey')}
            label={t('connections.form.tlsKey')}
            value={values.tlsKey}
            onChange={(v) => set('tlsKey', v)}
            error={err('tlsKey')}
            hint={t('connections.form.tlsKeyHint')}
            placeholder={
              hasSecret ? t('connections.form.secretStored') : '-----BEGIN PRIVATE KEY-----'
            }
          />
        </>
      )}
    </Collapsible>
  );
}

export function LimitsSection({ values, set, err, idOf }: SectionProps) {
  const { t } = useTranslation();
  const num = (field: FieldName, label: string, hint?: string) => (
    <TextField
      id={idOf(field)}
      label={label}
      value={values[field] as string}
      onChange={(v) => set(field, v)}
      error={err(field)}
      hint={hint}
      inputMode="numeric"
      mono
    />
  );
  return (
    <Collapsible
      title={t('connections.form.limits')}
      summary={t('connections.form.limitsSummary', {
        max: values.poolMax,
        connect: values.connectMs,
        op: values.operationMs,
      })}
      forceOpen={LIMIT_FIELDS.some((f) => err(f) !== undefined)}
    >
      <div className="form-grid">
        {num('poolMax', t('connections.form.poolMax'), t('connections.form.poolMaxHint'))}
        {num('poolMin', t('connections.form.poolMin'), t('connections.form.poolMinHint'))}
        {num('poolIdleTimeoutMs', t('connections.form.poolIdle'))}
        {num('connectMs', t('connections.form.connectMs'), t('connections.form.connectMsHint'))}
        {num(
          'operationMs',
          t('connections.form.operationMs'),
          t('connections.form.operationMsHint'),
        )}
      </div>
    </Collapsible>
  );
}
