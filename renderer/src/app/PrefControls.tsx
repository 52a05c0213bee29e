import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { languagePrefSchema, type LanguagePref, type Theme } from '@shared/models/prefs';
import { useAppState } from './AppState';

const THEMES: readonly Theme[] = ['system', 'light', 'dark'];

/** Language switch: English, Simplified Chinese, or follow the system. */
export function LanguageSelect({ compact = false }: { compact?: boolean }) {
  const { t } = useTranslation();
  const { prefs, updatePrefs } = useAppState();
  const id = useId();
  const current: LanguagePref = prefs?.language ?? 'system';
  return (
    <div className={compact ? 'inline-field' : 'field'}>
      <label htmlFor={id} className={compact ? 'sr-only' : undefined}>
        {t('settings.language')}
      </label>
      <select
        id={id}
        className="input"
        value={current}
        disabled={!prefs}
        title={t('settings.language')}
        data-testid="language-select"
        onChange={(e) => void updatePrefs({ language: e.target.value as LanguagePref })}
      >
        {languagePrefSchema.options.map((l) => (
          <option key={l} value={l} lang={l === 'system' ? undefined : l}>
            {t(`language.${l}`)}
          </option>
        ))}
      </select>
    </div>
  );
}

export function ThemeSelect({ compact = false }: { compact?: boolean }) {
  const { t } = useTranslation();
  const { prefs, updatePrefs } = useAppState();
  const id = useId();
  return (
    <div className={compact ? 'inline-field' : 'field'}>
      <label htmlFor={id} className={compact ? 'sr-only' : undefined}>
        {t('settings.theme')}
      </label>
      <select
        id={id}
        className="input"
        value={prefs?.theme ?? 'system'}
        disabled={!prefs}
        title={t('settings.theme')}
        data-testid="theme-select"
        onChange={(e) => void updatePrefs({ theme: e.target.value as Theme })}
      >
        {THEMES.map((th) => (
          <option key={th} value={th}>
            {t(`theme.${th}`)}
          </option>
        ))}
      </select>
    </div>
  );
}
