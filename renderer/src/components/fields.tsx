import { type ReactNode } from 'react';
import { cx } from '../lib/cx';

interface BaseProps {
  id: string;
  label: ReactNode;
  /** Marked next to the label (and `aria-required`); the form's schema still says why. */
  required?: boolean | undefined;
  error?: string | undefined;
  hint?: ReactNode;
  className?: string;
}

/**
 * A field's label, with the required marker the form's schema makes true. The marker sits beside
 * the label, not in it, so the field's accessible name stays its label; assistive tech hears
 * "required" from the input's own `required` attribute.
 */
export function FieldLabel({
  htmlFor,
  required,
  children,
}: {
  htmlFor: string;
  required?: boolean | undefined;
  children: ReactNode;
}) {
  if (!required) return <label htmlFor={htmlFor}>{children}</label>;
  return (
    <span className="field-label-row">
      <label htmlFor={htmlFor}>{children}</label>
      <span className="required-mark" aria-hidden="true" data-testid="required-mark">
        *
      </span>
    </span>
  );
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
  type?: 'text' | 'password' | 'number' | 'url' | 'datetime-local';
  placeholder?: string | undefined;
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
      <FieldLabel htmlFor={id} required={inputProps.required}>
        {label}
      </FieldLabel>
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
  required,
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
      <FieldLabel htmlFor={id} required={required}>
        {label}
      </FieldLabel>
      <textarea
        id={id}
        className="input mono"
        rows={rows}
        required={required}
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
  required,
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
      <FieldLabel htmlFor={id} required={required}>
        {label}
      </FieldLabel>
      <select
        id={id}
        className="input"
        value={value}
        required={required}
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

/** A date and time in the user's time zone (`datetime-local`; the value is `YYYY-MM-DDTHH:mm`). */
export function DateTimeField(props: Omit<Parameters<typeof TextField>[0], 'type'>) {
  return <TextField {...props} type="datetime-local" />;
}
