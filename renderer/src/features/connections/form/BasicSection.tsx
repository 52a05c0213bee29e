import { useTranslation } from 'react-i18next';
import { STORE_KINDS, type StoreKind } from '@shared/models/environment';
import { SelectField, TextField } from '../../../components/fields';
import type { SectionProps } from './sectionProps';

/** Suggested roles (the platform's blueprint names); any role matching the pattern is accepted. */
const ROLE_SUGGESTIONS = [
  'core',
  'platform_db',
  'business_db',
  'business:ai_agent_platform',
  'business:wework_platform',
  'business:core_business_platform',
  'business:customer_management',
  'business:health_management',
  'cache',
  'metrics',
];

export function BasicSection({ values, set, err, idOf, editing, hasSecret }: SectionProps) {
  const { t } = useTranslation();
  const rolesId = `${idOf('role')}-list`;
  return (
    <fieldset className="form-section">
      <legend>{t('connections.form.basics')}</legend>
      <div className="form-grid">
        <SelectField<StoreKind>
          id={idOf('kind')}
          label={t('connections.form.kind')}
          value={values.kind}
          onChange={(k) => set('kind', k)}
          options={STORE_KINDS.map((k) => ({ value: k, label: t(`kinds.${k}`) }))}
          error={err('kind')}
        />
        <TextField
          id={idOf('name')}
          label={t('connections.form.name')}
          value={values.name}
          onChange={(v) => set('name', v)}
          error={err('name')}
          required
        />
        <TextField
          id={idOf('id')}
          label={t('connections.form.id')}
          value={values.id}
          onChange={(v) => set('id', v)}
          error={err('id')}
          hint={editing ? t('connections.form.idFixed') : t('connections.form.idHint')}
          readOnly={editing}
          mono
          required
        />
        <div>
          <TextField
            id={idOf('role')}
            label={t('connections.form.role')}
            value={values.role}
            onChange={(v) => set('role', v)}
            error={err('role')}
            hint={t('connections.form.roleHint')}
            list={rolesId}
            mono
            required
          />
          <datalist id={rolesId}>
            {ROLE_SUGGESTIONS.map((r) => (
              <option key={r} value={r} />
            ))}
          </datalist>
        </div>
        <TextField
          id={idOf('host')}
          label={t('connections.form.host')}
          value={values.host}
          onChange={(v) => set('host', v)}
          error={err('host')}
          mono
          required
        />
        <TextField
          id={idOf('port')}
          label={t('connections.form.port')}
          value={values.port}
          onChange={(v) => set('port', v)}
          error={err('port')}
          inputMode="numeric"
          mono
          required
        />
        <TextField
          id={idOf('user')}
          label={t('connections.form.user')}
          value={values.user}
          onChange={(v) => set('user', v)}
          error={err('user')}
          mono
        />
        <TextField
          id={idOf('password')}
          type="password"
          label={t('connections.form.password')}
          value={values.password}
          onChange={(v) => set('password', v)}
          error={err('password')}
          placeholder={hasSecret ? t('connections.form.secretStored') : undefined}
          autoComplete="new-password"
        />
        <TextField
          id={idOf('database')}
          label={t(`connections.form.database.${values.kind}`)}
          value={values.database}
          onChange={(v) => set('database', v)}
          error={err('database')}
          inputMode={values.kind === 'redis' ? 'numeric' : 'text'}
          mono
        />
      </div>
    </fieldset>
  );
}
