import { describe, expect, it } from 'vitest';
import type { PartitionPolicy } from '@shared/partitions';
import { effectiveOf, formOf, needsConfirm, overrideOf } from './policyForm';

const blueprint: PartitionPolicy = {
  column: 'created_at',
  expression: 'columns',
  interval: 'month',
  premake: 3,
  retention: null,
  archive: true,
  naming: 'p%Y%m',
};

describe('the partition policy form', () => {
  it('keeps the blueprint for blank fields and removes the override when nothing is set', () => {
    expect(overrideOf(formOf(undefined))).toBeNull();
    expect(formOf(undefined)).toMatchObject({
      premake: '',
      retention: 'blueprint',
      archive: 'blueprint',
    });
  });

  it('round-trips an override through the form', () => {
    for (const o of [{ premake: 6 }, { retention: null }, { retention: 24, archive: false }]) {
      expect(overrideOf(formOf(o))).toEqual(o);
    }
  });

  it('passes a number that is not whole through as NaN so the contract refuses it', () => {
    const v = { ...formOf(undefined), premake: '2.5' };
    expect(overrideOf(v)?.premake).toBeNaN();
    expect(
      overrideOf({ ...formOf(undefined), retention: 'keep', retentionCount: '' })?.retention,
    ).toBeNaN();
  });

  it('asks for the typed name only when the change starts drops without archive', () => {
    const drop = effectiveOf(blueprint, { retention: 12, archive: false });
    expect(needsConfirm(blueprint, drop)).toBe(true);
    // Already dropping without archive: changing the retention asks nothing more.
    expect(needsConfirm(drop, effectiveOf(blueprint, { retention: 18, archive: false }))).toBe(
      false,
    );
    // Archived drops, or no drops at all: nothing to confirm.
    expect(needsConfirm(blueprint, effectiveOf(blueprint, { retention: 12 }))).toBe(false);
    expect(needsConfirm(blueprint, effectiveOf(blueprint, { archive: false }))).toBe(false);
  });
});
