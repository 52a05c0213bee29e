import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { PartitionOverride, PartitionPolicies, PartitionPolicy } from '@shared/partitions';
import { PolicyDialog } from './PolicyDialog';

const blueprint: PartitionPolicy = {
  column: 'created_at',
  expression: 'columns',
  interval: 'month',
  premake: 3,
  retention: null,
  archive: true,
  naming: 'p%Y%m',
};
const entry: PartitionPolicies[number] = {
  database: 'customer_management',
  table: 'ai_call_logs',
  blueprint,
  effective: blueprint,
};

function renderPolicy(e = entry) {
  const onSave = vi.fn(async (_o: PartitionOverride | null, _c?: string) => {});
  const onClose = vi.fn();
  render(<PolicyDialog entry={e} onClose={onClose} onSave={onSave} />);
  return { onSave, onClose };
}

describe('PolicyDialog', () => {
  it('refuses a premake out of range with the reason, and saves nothing', async () => {
    const user = userEvent.setup();
    const { onSave } = renderPolicy();
    await user.type(screen.getByTestId('policy-premake'), '40');
    await user.click(screen.getByTestId('save-partition-policy'));
    expect(screen.getByTestId('partition-policy-dialog').textContent).toContain(
      'Premake is a whole number from 1 to 36.',
    );
    expect(onSave).not.toHaveBeenCalled();
  });

  it('asks for the table name typed before drops without archive, then saves that override', async () => {
    const user = userEvent.setup();
    const { onSave, onClose } = renderPolicy();
    await user.selectOptions(screen.getByTestId('policy-retention'), 'keep');
    await user.type(screen.getByTestId('policy-retention-count'), '12');
    await user.selectOptions(screen.getByTestId('policy-archive'), 'no');
    expect(screen.getByTestId('policy-effective').textContent).toContain('retention keep 12');
    await user.click(screen.getByTestId('save-partition-policy'));
    expect(onSave).not.toHaveBeenCalled();
    expect(screen.getByTestId('partition-policy-dialog').textContent).toContain(
      'Type ai_call_logs exactly to confirm.',
    );
    await user.type(screen.getByTestId('policy-confirm'), 'ai_call_logs');
    await user.click(screen.getByTestId('save-partition-policy'));
    expect(onSave).toHaveBeenCalledWith({ retention: 12, archive: false }, 'ai_call_logs');
    expect(onClose).toHaveBeenCalled();
  });

  it('removes the override when every field goes back to the blueprint', async () => {
    const user = userEvent.setup();
    const { onSave } = renderPolicy({
      ...entry,
      override: { premake: 6 },
      effective: { ...blueprint, premake: 6 },
    });
    expect(screen.getByTestId('policy-premake')).toHaveProperty('value', '6');
    await user.clear(screen.getByTestId('policy-premake'));
    await user.click(screen.getByTestId('save-partition-policy'));
    expect(onSave).toHaveBeenCalledWith(null, undefined);
  });
});
