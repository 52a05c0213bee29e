import type { FieldName, FormValues } from './formModel';

/** What every section of the connection form gets. */
export interface SectionProps {
  values: FormValues;
  set: <K extends FieldName>(field: K, value: FormValues[K]) => void;
  /** The message to show under a field, if any. */
  err: (field: FieldName) => string | undefined;
  /** Element id of a field's input (for labels and focusing the first invalid field). */
  idOf: (field: FieldName) => string;
  editing: boolean;
  hasSecret: boolean;
}
