import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ParsedUri } from '@shared/models/uri';
import { toKeelError } from '../../../lib/errors';

/**
 * "Paste connection string": parsed at once, then cleared, so the password it may hold ends up in
 * the password field only. A string that does not parse stays for the user to correct.
 */
export function UriPaste({
  id,
  parse,
  onParsed,
}: {
  id: string;
  parse: (uri: string) => ParsedUri;
  onParsed: (p: ParsedUri) => void;
}) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [filled, setFilled] = useState(false);

  const apply = (uri: string): void => {
    if (uri.trim() === '') return;
    try {
      onParsed(parse(uri));
      setText('');
      setError(undefined);
      setFilled(true);
    } catch (e) {
      setText(uri);
      setError(toKeelError(e).message);
      setFilled(false);
    }
  };

  return (
    <div className="field uri-paste">
      <label htmlFor={id}>{t('connections.form.uri')}</label>
      <div className="input-row">
        <input
          id={id}
          className="input mono"
          value={text}
          placeholder="mysql://user:password@host:3306/db"
          autoComplete="off"
          spellCheck={false}
          aria-invalid={error ? true : undefined}
          aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}`}
          onChange={(e) => {
            setText(e.target.value);
            setError(undefined);
            setFilled(false);
          }}
          onPaste={(e) => {
            const pasted = e.clipboardData.getData('text');
            if (pasted && text === '') {
              e.preventDefault();
              apply(pasted);
            }
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              apply(text);
            }
          }}
        />
        <button
          type="button"
          className="btn"
          disabled={text.trim() === ''}
          onClick={() => apply(text)}
        >
          {t('connections.form.uriApply')}
        </button>
      </div>
      <div id={`${id}-hint`} className="field-hint" role={filled ? 'status' : undefined}>
        {filled ? t('connections.form.uriFilled') : t('connections.form.uriHint')}
      </div>
      {error && (
        <div id={`${id}-error`} className="field-error" role="alert">
          {t('connections.form.uriError', { message: error })}
        </div>
      )}
    </div>
  );
}
