import { useTranslation } from 'react-i18next';
import { toCsv, type CsvCell } from '../lib/csv';
import { saveTextFile, timestampedName } from '../lib/download';

/** "Export CSV" for a table: the visible rows, in the visible column order. */
export function CsvButton({
  name,
  header,
  rows,
  disabled,
}: {
  name: string;
  header: readonly string[];
  rows: () => ReadonlyArray<readonly CsvCell[]>;
  disabled?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <button
      type="button"
      className="btn"
      disabled={disabled}
      data-testid="export-csv"
      onClick={() => saveTextFile(timestampedName(name, 'csv'), toCsv(header, rows()), 'text/csv')}
    >
      {t('common.exportCsv')}
    </button>
  );
}
