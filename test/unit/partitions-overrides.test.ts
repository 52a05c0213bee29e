import { describe, expect, it } from 'vitest';
import { policyOf } from '../../electron/main/services/partitions/calendar';
import { dropMode, withOverride } from '../../electron/main/services/partitions/overrides';
import { partitionSchema } from '../../shared/blueprint';

describe('how retention drops', () => {
  const spec = partitionSchema.parse({ column: 'created_at', retention: 12 });
  it('archives by default; drops directly only when the environment confirmed archive: false', () => {
    const base = policyOf(spec);
    expect(base.archive).toBe(true);
    expect(dropMode(base, undefined)).toBe('archive');
    const bpNoArchive = policyOf(partitionSchema.parse({ ...spec, archive: false }));
    // The blueprint alone saying "no archive" is not a confirmation.
    expect(dropMode(bpNoArchive, undefined)).toBe('unconfirmed');
    const o = { archive: false };
    expect(dropMode(withOverride(base, o), o)).toBe('drop');
  });
});
