import type { PartitionSpec } from '../../../../shared/blueprint';
import { boundValue, intervalIndex, intervalStart, partitionName, policyOf } from './calendar';
import { partitionByClause, type NewPartition } from './sql';

/** The catch-all partition of every table Keel creates. */
export const MAXVALUE_PARTITION = 'pmax';

/**
 * The partitions a new table starts with: `historyMonths` intervals back, the current one and
 * `aheadMonths` ahead, named and bounded exactly as maintenance would add them later.
 */
export function initialPartitions(spec: PartitionSpec, now: Date): NewPartition[] {
  const policy = policyOf(spec);
  const current = intervalIndex(now.getTime(), policy.interval);
  const out: NewPartition[] = [];
  for (let i = current - spec.historyMonths; i <= current + policy.premake; i++) {
    out.push({
      name: partitionName(policy.naming, intervalStart(i, policy.interval)),
      value: boundValue(intervalStart(i + 1, policy.interval), policy.expression),
    });
  }
  return out;
}

/** `PARTITION BY …` of a new table from its blueprint spec, `pmax` last. */
export const initialPartitionClause = (spec: PartitionSpec, now: Date): string =>
  partitionByClause(spec.column, spec.expression, initialPartitions(spec, now), MAXVALUE_PARTITION);
