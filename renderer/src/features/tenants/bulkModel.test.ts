import { describe, expect, it } from 'vitest';
import {
  bulkCsvRows,
  bulkRowsForDisplay,
  countBulkRows,
  CSV_TEMPLATE,
  guessFormat,
  parseBulkResult,
  YAML_TEMPLATE,
} from './bulkModel';

describe('bulk input', () => {
  it('guesses the format from the file name, else from the first line', () => {
    expect(guessFormat('tenants.YML', '')).toBe('yaml');
    expect(guessFormat('tenants.csv', '- id: x')).toBe('csv');
    expect(guessFormat('paste.txt', CSV_TEMPLATE)).toBe('csv');
    expect(guessFormat('paste.txt', `# new tenants\n${YAML_TEMPLATE}`)).toBe('yaml');
    expect(guessFormat('', 'tenants:\n  - id: x')).toBe('yaml');
  });

  it('counts rows roughly before sending', () => {
    expect(
      countBulkRows('csv', 'id,name,plan,tier\r\na,A,basic,shared\r\nb,B,basic,shared\r\n\r\n'),
    ).toBe(2);
    expect(countBulkRows('csv', 'id,name,plan,tier\n')).toBe(0);
    expect(countBulkRows('csv', '')).toBe(0);
    expect(countBulkRows('yaml', `${YAML_TEMPLATE}- id: b\n  name: B\n  plan: pro\n`)).toBe(2);
  });
});

describe('bulk result', () => {
  const result = {
    rows: [
      { row: 2, id: 'acme', ok: true },
      { row: 3, id: 'globex', ok: false, error: 'tenant globex already exists' },
      { row: 4, id: 'initech', ok: true },
    ],
    ok: 2,
    failed: 1,
  };

  it('reads the job result, and nothing else', () => {
    expect(parseBulkResult(result)).toEqual(result);
    expect(parseBulkResult(undefined)).toBeUndefined();
    expect(parseBulkResult({ rows: [], ok: 0 })).toBeUndefined();
    expect(parseBulkResult({ rows: [{ row: 1, id: 'x' }], ok: 1, failed: 0 })).toBeUndefined();
    expect(parseBulkResult('done')).toBeUndefined();
  });

  it('shows failed rows first, then by row number', () => {
    expect(bulkRowsForDisplay(result.rows).map((r) => r.row)).toEqual([3, 2, 4]);
  });

  it('exports one CSV row per input row', () => {
    expect(bulkCsvRows(result.rows, { ok: 'ok', failed: 'failed' })).toEqual([
      [2, 'acme', 'ok', undefined],
      [3, 'globex', 'failed', 'tenant globex already exists'],
      [4, 'initech', 'ok', undefined],
    ]);
  });
});
