import type { PartitionOverride, PartitionPolicy } from '@shared/partitions';

/**
 * The policy editor's form as text and choices, and the override it means. Blank / "blueprint"
 * keeps the blueprint's value for that field; nothing overridden removes the override (null).
 */
export interface PolicyFormValues {
  premake: string;
  retention: 'blueprint' | 'none' | 'keep';
  retentionCount: string;
  archive: 'blueprint' | 'yes' | 'no';
  confirm: string;
}

export function formOf(override: PartitionOverride | undefined): PolicyFormValues {
  return {
    premake: override?.premake !== undefined ? String(override.premake) : '',
    retention:
      override?.retention === undefined
        ? 'blueprint'
        : override.retention === null
          ? 'none'
          : 'keep',
    retentionCount:
      override?.retention !== undefined && override.retention !== null
        ? String(override.retention)
        : '',
    archive: override?.archive === undefined ? 'blueprint' : override.archive ? 'yes' : 'no',
    confirm: '',
  };
}

/**
 * The override the values ask for (the contract checks ranges), or null when every field keeps
 * the blueprint's. A number that is not a whole number is passed through as NaN → refused.
 */
export function overrideOf(v: PolicyFormValues): PartitionOverride | null {
  const whole = (s: string): number => (/^\s*\d+\s*$/.test(s) ? Number(s) : Number.NaN);
  const o: PartitionOverride = {
    ...(v.premake.trim() !== '' && { premake: whole(v.premake) }),
    ...(v.retention === 'none' && { retention: null }),
    ...(v.retention === 'keep' && { retention: whole(v.retentionCount) }),
    ...(v.archive !== 'blueprint' && { archive: v.archive === 'yes' }),
  };
  return Object.keys(o).length ? o : null;
}

/** The policy that would apply: the blueprint's with the override on top. */
export function effectiveOf(
  blueprint: PartitionPolicy,
  override: PartitionOverride | null,
): PartitionPolicy {
  if (!override) return blueprint;
  return {
    ...blueprint,
    ...(override.premake !== undefined && { premake: override.premake }),
    ...(override.retention !== undefined && { retention: override.retention }),
    ...(override.archive !== undefined && { archive: override.archive }),
  };
}

const dropsUnarchived = (p: PartitionPolicy): boolean => p.retention !== null && !p.archive;

/**
 * The change needs the table name typed: it makes maintenance drop partitions without archiving
 * them, where the policy in force did not (the server asks for the same confirmation).
 */
export function needsConfirm(now: PartitionPolicy, next: PartitionPolicy): boolean {
  return dropsUnarchived(next) && !dropsUnarchived(now);
}
