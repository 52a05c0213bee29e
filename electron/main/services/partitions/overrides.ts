import type { Blueprint, PartitionSpec } from '../../../../shared/blueprint';
import { KeelError } from '../../../../shared/errors';
import type {
  PartitionOverride,
  PartitionOverrides,
  PartitionPolicy,
} from '../../../../shared/partitions';
import { policyOf } from './calendar';
import type { DropMode } from './retention';

/**
 * Per-table overrides of the blueprint's partition policies, kept in the environment. Pure
 * checks here; the service writes them and the audit entry.
 */

/** The blueprint's policy with the environment's override on top. */
export function withOverride(
  policy: PartitionPolicy,
  o: PartitionOverride | undefined,
): PartitionPolicy {
  if (!o) return policy;
  return {
    ...policy,
    ...(o.premake !== undefined && { premake: o.premake }),
    ...(o.retention !== undefined && { retention: o.retention }),
    ...(o.archive !== undefined && { archive: o.archive }),
  };
}

/** The `partition:` spec of a blueprint table, or undefined. */
export function specOf(blueprint: Blueprint, table: string): PartitionSpec | undefined {
  for (const db of blueprint.mysql.databases)
    for (const t of db.tables) if (t.name === table && t.partition) return t.partition;
  return undefined;
}

/** Drops that run without an archive first: what needs a typed confirmation once. */
const dropsUnarchived = (p: PartitionPolicy): boolean => p.retention !== null && !p.archive;

export interface OverrideChange {
  before: PartitionPolicy;
  after: PartitionPolicy;
  overrides: PartitionOverrides;
}

/**
 * Check an override (or its removal, `null`) of `table` against the blueprint and return the
 * overrides to store. Refused with the reason: a table the blueprint does not partition, a
 * retention shorter than the history tables are created with (maintenance would drop it at once),
 * and — without the table's name typed as `confirm` — the first change that makes maintenance
 * drop partitions without archiving them.
 */
export function checkOverride(
  blueprint: Blueprint,
  current: PartitionOverrides | undefined,
  table: string,
  override: PartitionOverride | null,
  confirm: string | undefined,
): OverrideChange {
  const spec = specOf(blueprint, table);
  if (!spec)
    throw new KeelError(
      'VALIDATION',
      `${table} is not a partitioned table of the environment's blueprint`,
      { table },
    );
  const base = policyOf(spec);
  const before = withOverride(base, current?.[table]);
  const after = withOverride(base, override ?? undefined);
  if (after.retention !== null && after.retention < spec.historyMonths)
    throw new KeelError(
      'VALIDATION',
      `retention ${after.retention} is shorter than the ${spec.historyMonths} intervals of history ${table} keeps: maintenance would drop them at once`,
      { table, retention: after.retention, historyMonths: spec.historyMonths },
    );
  if (dropsUnarchived(after) && !dropsUnarchived(before) && confirm !== table)
    throw new KeelError(
      'VALIDATION',
      `this makes maintenance drop partitions of ${table} older than ${after.retention} ${after.interval}(s) without archiving them: type the table name to confirm`,
      { table },
    );
  const overrides = { ...current };
  if (override && Object.keys(override).length) overrides[table] = override;
  else delete overrides[table];
  return { before, after, overrides };
}

/**
 * How retention drops a table's partitions: archived first when the policy says so; directly
 * only when the environment's override says `archive: false` (set with the table name typed);
 * a blueprint alone saying so leaves the drops unconfirmed.
 */
export function dropMode(
  policy: PartitionPolicy,
  override: PartitionOverride | undefined,
): DropMode {
  if (policy.archive) return 'archive';
  return override?.archive === false ? 'drop' : 'unconfirmed';
}
