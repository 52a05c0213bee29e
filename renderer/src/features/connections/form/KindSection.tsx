import { useTranslation } from 'react-i18next';
import { CheckboxField, SelectField, TextAreaField, TextField } from '../../../components/fields';
import { REPLICA_KINDS, type FormValues } from './formModel';
import type { SectionProps } from './sectionProps';

type RedisMode = FormValues['redisMode'];

/** What only some kinds have: a read replica (MySQL, MongoDB), Redis topology, InfluxDB org/token. */
export function KindSection(props: SectionProps) {
  const { values } = props;
  if (REPLICA_KINDS.includes(values.kind)) return <ReplicaFields {...props} />;
  if (values.kind === 'redis') return <RedisFields {...props} />;
  return <InfluxFields {...props} />;
}

function ReplicaFields({ values, set, err, idOf }: SectionProps) {
  const { t } = useTranslation();
  return (
    <fieldset className="form-section">
      <legend>{t('connections.form.replica')}</legend>
      <CheckboxField
        id={idOf('replicaEnabled')}
        label={t('connections.form.replicaEnabled')}
        checked={values.replicaEnabled}
        onChange={(v) => set('replicaEnabled', v)}
        hint={t('connections.form.replicaHint')}
      />
      {values.replicaEnabled && (
        <div className="form-grid">
          <TextField
            id={idOf('replicaHost')}
            label={t('connections.form.replicaHost')}
            value={values.replicaHost}
            onChange={(v) => set('replicaHost', v)}
            error={err('replicaHost')}
            mono
          />
          <TextField
            id={idOf('replicaPort')}
            label={t('connections.form.replicaPort')}
            value={values.replicaPort}
            onChange={(v) => set('replicaPort', v)}
            error={err('replicaPort')}
            inputMode="numeric"
            mono
          />
        </div>
      )}
    </fieldset>
  );
}

function RedisFields({ values, set, err, idOf }: SectionProps) {
  const { t } = useTranslation();
  const modes: RedisMode[] = ['standalone', 'sentinel', 'cluster'];
  return (
    <fieldset className="form-section">
      <legend>{t('connections.form.redisTopology')}</legend>
      <div className="form-grid">
        <SelectField<RedisMode>
          id={idOf('redisMode')}
          label={t('connections.form.redisMode')}
          value={values.redisMode}
          onChange={(v) => set('redisMode', v)}
          options={modes.map((m) => ({ value: m, label: t(`connections.form.redisModes.${m}`) }))}
          error={err('redisMode')}
        />
        {values.redisMode === 'sentinel' && (
          <TextField
            id={idOf('redisMasterName')}
            label={t('connections.form.redisMasterName')}
            value={values.redisMasterName}
            onChange={(v) => set('redisMasterName', v)}
            error={err('redisMasterName')}
            mono
          />
        )}
      </div>
      {values.redisMode === 'sentinel' && (
        <TextAreaField
          id={idOf('redisSentinels')}
          label={t('connections.form.redisSentinels')}
          value={values.redisSentinels}
          onChange={(v) => set('redisSentinels', v)}
          error={err('redisSentinels')}
          hint={t('connections.form.endpointsHint', { port: 26379 })}
          placeholder="10.0.0.11:26379"
          rows={3}
        />
      )}
      {values.redisMode === 'cluster' && (
        <TextAreaField
          id={idOf('redisNodes')}
          label={t('connections.form.redisNodes')}
          value={values.redisNodes}
          onChange={(v) => set('redisNodes', v)}
          error={err('redisNodes')}
          hint={t('connections.form.endpointsHint', { port: 6379 })}
          placeholder="10.0.0.21:6379"
          rows={3}
        />
      )}
    </fieldset>
  );
}

function InfluxFields({ values, set, err, idOf, hasSecret }: SectionProps) {
  const { t } = useTranslation();
  return (
    <fieldset className="form-section">
      <legend>{t('connections.form.influx')}</legend>
      <div className="form-grid">
        <TextField
          id={idOf('org')}
          label={t('connections.form.org')}
          value={values.org}
          onChange={(v) => set('org', v)}
          error={err('org')}
          hint={t('connections.form.orgHint')}
        />
        <TextField
          id={idOf('token')}
          type="password"
          label={t('connections.form.token')}
          value={values.token}
          onChange={(v) => set('token', v)}
          error={err('token')}
          placeholder={hasSecret ? t('connections.form.secretStored') : undefined}
          autoComplete="new-password"
        />
      </div>
    </fieldset>
  );
}
