import { type ReactNode } from 'react';
import { cx } from '../lib/cx';

interface BaseProps {
  id: string;
  label: ReactNode;
  error?: string | undefined;
  hint?: ReactNode;
  className?: string;
}

const describedBy = (id: string, error?: string, hint?: ReactNode): string | undefined =>
  [error ? `${id}-error` : '', hint ? `${id}-hint` : ''].filter(Boolean).join(' ') || undefined;

function Messages({
  id,
  error,
  hint,
}: {
  id: string;
  error?: string | undefined;
  hint?: ReactNode;
}) {
  return (
    <>
      {error && (
        <div id={`${id}-error`} className="field-error" role="alert">
          {error}
        </div>
      )}
      {hint && (
        <div id={`${id}-hint`} className="field-hint">
          {hint}
        </div>
      )}
    </>
  );
}

export function TextField({
  id,
  label,
  error,
  hint,
  className,
  value,
  onChange,
  type = 'text',
  ...rest
}: BaseProps & {
  value: string;
  onChange: (v: string) => void;
  type?: 'text' | 'password' | 'number' | 'url';
  placeholder?: string | undefined;
  required?: boolean;
  disabled?: boolean;
  readOnly?: boolean;
  autoFocus?: boolean;
  list?: string;
  mono?: boolean;
  inputMode?: 'numeric' | 'text';
  autoComplete?: string;
  testId?: string;
}) {
  const { mono, testId, ...inputProps } = rest;
  return (
    <div className={cx('field', className)}>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type={type}
        className={cx('input', mono && 'mono')}
        value={value}
        spellCheck={false}
        autoComplete={inputProps.autoComplete ?? 'off'}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, error, hint)}
        data-testid={testId}
        data-autofocus={inputProps.autoFocus ? true : undefined}
        onChange={(e) => onChange(e.target.value)}
        {...inputProps}
      />
      <Messages id={id} error={error} hint={hint} />
    </div>
  );
}

export function TextAreaField({
  id,
  label,
  error,
  hint,
  className,
  value,
  onChange,
  rows = 4,
  placeholder,
  disabled,
  testId,
}: BaseProps & {
  value: string;
  onChange: (v: string) => void;
  rows?: number;
  placeholder?: string | undefined;
  disabled?: boolean;
  testId?: string;
}) {
  return (
    <div className={cx('field', className)}>
      <label htmlFor={id}>{label}</label>
      <textarea
        id={id}
        className="input mono"
        rows={rows}
        value={value}
        placeholder={placeholder}
        disabled={disabled}
        spellCheck={false}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, error, hint)}
        data-testid={testId}
        onChange={(e) => onChange(e.target.value)}
      />
      <Messages id={id} error={error} hint={hint} />
    </div>
  );
}

export function SelectField<V extends string>({
  id,
  label,
  error,
  hint,
  className,
  value,
  onChange,
  options,
  disabled,
  testId,
}: BaseProps & {
  value: V;
  onChange: (v: V) => void;
  options: ReadonlyArray<{ value: V; label: string }>;
  disabled?: boolean;
  testId?: string;
}) {
  return (
    <div className={cx('field', className)}>
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        className="input"
        value={value}
        disabled={disabled}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, error, hint)}
        data-testid={testId}
        onChange={(e) => onChange(e.target.value as V)}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      <Messages id={id} error={error} hint={hint} />
    </div>
  );
}

export function CheckboxField({
  id,
  label,
  error,
  hint,
  className,
  checked,
  onChange,
  disabled,
  testId,
}: BaseProps & {
  checked: boolean;
  onChange: (v: boolean) => void;
  disabled?: boolean;
  testId?: string;
}) {
  return (
    <div className={cx('field field-check', className)}>
      <input
        id={id}
        type="checkbox"
        checked={checked}
        disabled={disabled}
        data-testid={testId}
        aria-describedby={describedBy(id, error, hint)}
        onChange={(e) => onChange(e.target.checked)}
      />
      <label htmlFor={id}>{label}</label>
      <Messages id={id} error={error} hint={hint} />
    </div>
  );
}
