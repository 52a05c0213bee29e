import { KeelError } from '../../../../shared/errors';
import { PARTITION_NAME_PATTERN, type PartitionExpression } from '../../../../shared/partitions';

/**
 * Identifiers of partition DDL: schemas, tables, columns and partition names Keel made from the
 * blueprint. Anything else (a back-tick, a dot, upper case, an odd name found on a server) is
 * refused rather than escaped: such a name was not made by Keel, so Keel does not touch it.
 */
export function quoteId(name: string): string {
  if (!PARTITION_NAME_PATTERN.test(name)) {
    throw new KeelError(
      'VALIDATION',
      `"${name}" is not an identifier Keel maintains partitions on`,
      {
        name,
      },
    );
  }
  return `\`${name}\``;
}

export const qualifiedTable = (schema: string, table: string): string =>
  `${quoteId(schema)}.${quoteId(table)}`;

export interface NewPartition {
  name: string;
  value: string;
}

const definition = (p: NewPartition): string =>
  `PARTITION ${quoteId(p.name)} VALUES LESS THAN (${p.value})`;

/** The `PARTITION BY … (…)` clause of a new table: its partitions plus the MAXVALUE catch-all. */
export function partitionByClause(
  column: string,
  expression: PartitionExpression,
  parts: NewPartition[],
  maxvalue: string,
): string {
  const by =
    expression === 'columns'
      ? `RANGE COLUMNS(${quoteId(column)})`
      : `RANGE (${expression === 'to_days' ? 'TO_DAYS' : 'UNIX_TIMESTAMP'}(${quoteId(column)}))`;
  const max = expression === 'columns' ? '(MAXVALUE)' : 'MAXVALUE';
  const lines = [
    ...parts.map(definition),
    `PARTITION ${quoteId(maxvalue)} VALUES LESS THAN ${max}`,
  ];
  return `PARTITION BY ${by} (\n  ${lines.join(',\n  ')}\n)`;
}

/** Split an empty MAXVALUE partition: new partitions, then the catch-all again. Metadata-only when empty. */
export function reorganizeSql(
  schema: string,
  table: string,
  maxvalue: string,
  parts: NewPartition[],
  expression: PartitionExpression,
): string {
  const max = expression === 'columns' ? '(MAXVALUE)' : 'MAXVALUE';
  const lines = [
    ...parts.map(definition),
    `PARTITION ${quoteId(maxvalue)} VALUES LESS THAN ${max}`,
  ];
  return `ALTER TABLE ${qualifiedTable(schema, table)} REORGANIZE PARTITION ${quoteId(maxvalue)} INTO (\n  ${lines.join(',\n  ')}\n)`;
}

/** Append partitions to a table without a MAXVALUE partition. */
export function addSql(schema: string, table: string, parts: NewPartition[]): string {
  return `ALTER TABLE ${qualifiedTable(schema, table)} ADD PARTITION (\n  ${parts.map(definition).join(',\n  ')}\n)`;
}

export function dropSql(schema: string, table: string, names: string[]): string {
  return `ALTER TABLE ${qualifiedTable(schema, table)} DROP PARTITION ${names.map(quoteId).join(', ')}`;
}
