import { describe, expect, it } from 'vitest';
import type { TableLayout } from '@shared/partitions';
import { lastBound, runwayLevel, worstFirst } from './partitionModel';

const layout = (schema: string, runwayDays: number | null, maxvalueRows = 0): TableLayout => ({
  connectionId: 'core',
  server: 's',
  schema,
  table: 't',
  method: 'RANGE COLUMNS',
  expression: 'created_at',
  partitions: [
    {
      name: 'p1',
      description: "'2026-01-01'",
      lessThan: '2026-01-01T00:00:00.000Z',
      rows: 1,
      dataBytes: 0,
      indexBytes: 0,
    },
    {
      name: 'p2',
      description: "'2026-02-01'",
      lessThan: '2026-02-01T00:00:00.000Z',
      rows: 1,
      dataBytes: 0,
      indexBytes: 0,
    },
  ],
  runwayDays,
  maxvalueRows,
});

describe('partitions page model', () => {
  it('levels the runway like the default rules', () => {
    expect([3, 6.9, 7, 29.9, 30, null].map(runwayLevel)).toEqual([
      'critical',
      'critical',
      'warning',
      'warning',
      'ok',
      'unknown',
    ]);
  });
  it('sorts worst first: unknown, then the shortest runway, MAXVALUE rows break ties', () => {
    const sorted = worstFirst([
      layout('a', 90),
      layout('b', 5),
      layout('c', null),
      layout('d', 5, 40),
    ]);
    expect(sorted.map((t) => t.schema)).toEqual(['c', 'd', 'b', 'a']);
  });
  it('finds the last bound', () => {
    expect(lastBound(layout('a', 1))).toBe('2026-02-01T00:00:00.000Z');
  });
});
