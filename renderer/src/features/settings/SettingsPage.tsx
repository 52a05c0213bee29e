import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAppState } from '../../app/AppState';
import { LanguageSelect, ThemeSelect } from '../../app/PrefControls';
import { useRefreshShortcut, useShowShortcutsHelp } from '../../app/shortcuts';
import { useToast } from '../../app/toasts';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Loading } from '../../components/EmptyState';
import { ErrorCallout } from '../../components/ErrorText';
import { PageHeader } from '../../components/PageHeader';
import { useSystemInfo } from '../system/useSystemInfo';
import { SystemInfoView } from './SystemInfoView';

const MIN_SEC = 1;
const MAX_SEC = 600;

export function SettingsPage() {
  const { t } = useTranslation();
  const { prefs, prefsError, updatePrefs } = useAppState();
  const info = useSystemInfo();
  const showHelp = useShowShortcutsHelp();
  useRefreshShortcut(() => void info.reload());

  return (
    <div className="page page-narrow">
      <PageHeader title={t('settings.title')} />
      {prefsError && !prefs && <ErrorCallout error={prefsError} />}

      <section className="panel" aria-labelledby="appearance-heading">
        <h2 id="appearance-heading" className="section-title">
          {t('settings.appearance')}
        </h2>
        <div className="form-grid">
          <ThemeSelect />
          <LanguageSelect />
        </div>
        <p className="muted">
          {t('settings.shortcutsIntro')}{' '}
          <button type="button" className="btn-link" onClick={showHelp}>
            {t('shortcuts.title')}
          </button>
        </p>
      </section>

      <section className="panel" aria-labelledby="health-heading">
        <h2 id="health-heading" className="section-title">
          {t('settings.health')}
        </h2>
        {prefs ? (
          <ProbeInterval
            key={prefs.probeIntervalMs}
            ms={prefs.probeIntervalMs}
            onSave={(ms) => updatePrefs({ probeIntervalMs: ms })}
          />
        ) : (
          <Loading label={t('common.loading')} />
        )}
      </section>

      <section className="panel" aria-labelledby="secrets-heading">
        <h2 id="secrets-heading" className="section-title">
          {t('settings.secrets')}
        </h2>
        <WeakStorage
          value={prefs?.allowWeakSecretStorage}
          safe={info.data?.secretStorage.safe}
          onChange={(v) => updatePrefs({ allowWeakSecretStorage: v })}
        />
      </section>

      <section className="panel" aria-labelledby="about-heading">
        <h2 id="about-heading" className="section-title">
          {t('settings.about')}
        </h2>
        {info.error && !info.data ? (
          <ErrorCallout error={info.error} onRetry={() => void info.reload()} />
        ) : info.data ? (
          <SystemInfoView info={info.data} />
        ) : (
          <Loading label={t('common.loading')} />
        )}
      </section>
    </div>
  );
}

function ProbeInterval({ ms, onSave }: { ms: number; onSave: (ms: number) => Promise<boolean> }) {
  const { t } = useTranslation();
  const toast = useToast();
  const id = useId();
  const [text, setText] = useState(String(ms / 1000));
  const [busy, setBusy] = useState(false);

  const sec = Number(text);
  const error =
    text.trim() === '' || !Number.isFinite(sec) || sec < MIN_SEC || sec > MAX_SEC
      ? t('settings.intervalRange', { min: MIN_SEC, max: MAX_SEC })
      : undefined;
  const dirty = error === undefined && Math.round(sec * 1000) !== ms;

  return (
    <form
      className="inline-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (!dirty || busy) return;
        setBusy(true);
        void onSave(Math.round(sec * 1000)).then((ok) => {
          setBusy(false);
          if (ok) toast.success(t('settings.saved'));
        });
      }}
    >
      <div className="field">
        <label htmlFor={id}>{t('settings.probeInterval')}</label>
        <div className="input-row">
          <input
            id={id}
            className="input num-input"
            inputMode="decimal"
            value={text}
            aria-invalid={error ? true : undefined}
            aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}`}
            data-testid="probe-interval"
            onChange={(e) => setText(e.target.value)}
          />
          <span>{t('settings.seconds')}</span>
          <button type="submit" className="btn" disabled={!dirty || busy}>
            {busy ? t('common.saving') : t('common.save')}
          </button>
        </div>
        <div id={`${id}-hint`} className="field-hint">
          {t('settings.probeIntervalHint')}
        </div>
        {error && (
          <div id={`${id}-error`} className="field-error" role="alert">
            {error}
          </div>
        )}
      </div>
    </form>
  );
}

function WeakStorage({
  value,
  safe,
  onChange,
}: {
  value: boolean | undefined;
  safe: boolean | undefined;
  onChange: (v: boolean) => Promise<boolean>;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [confirming, setConfirming] = useState(false);
  return (
    <div className="stack">
      <div className="field field-check">
        <input
          id={id}
          type="checkbox"
          checked={value ?? false}
          disabled={value === undefined}
          aria-describedby={`${id}-hint`}
          data-testid="allow-weak-secrets"
          onChange={(e) => {
            if (e.target.checked) setConfirming(true);
            else void onChange(false);
          }}
        />
        <label htmlFor={id}>{t('settings.weakStorage')}</label>
        <div id={`${id}-hint`} className="field-hint">
          {t('settings.weakStorageHint')}
        </div>
      </div>
      {safe === true && <p className="muted">{t('settings.weakStorageNotNeeded')}</p>}
      {safe === false && !value && (
        <p className="callout callout-warn" role="note">
          {t('settings.weakStorageNeeded')}
        </p>
      )}
      <ConfirmDialog
        open={confirming}
        onClose={() => setConfirming(false)}
        title={t('settings.weakStorageConfirmTitle')}
        confirmLabel={t('settings.weakStorageConfirm')}
        danger
        onConfirm={async () => {
          await onChange(true);
        }}
      >
        {t('settings.weakStorageConfirmBody')}
      </ConfirmDialog>
    </div>
  );
}
