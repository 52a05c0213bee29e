import { act, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { KeelError } from '@shared/errors';
import { pressEscape } from '../test/dialog';
import { ConfirmDialog } from './ConfirmDialog';

/** A promise the test settles by hand, to hold the action "running". */
function deferred() {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function renderConfirm(onConfirm: () => Promise<void>, extra: { typeToConfirm?: string } = {}) {
  const onClose = vi.fn();
  render(
    <ConfirmDialog
      open
      onClose={onClose}
      title="Delete tenant"
      confirmLabel="Delete"
      danger
      onConfirm={onConfirm}
      {...extra}
    >
      It goes for good.
    </ConfirmDialog>,
  );
  return { onClose };
}

describe('ConfirmDialog', () => {
  it('does not close on Esc (or ×) while its action runs, and closes when it resolves', async () => {
    const user = userEvent.setup();
    const action = deferred();
    const { onClose } = renderConfirm(() => action.promise);

    await user.click(screen.getByTestId('confirm-button'));
    expect(screen.getByTestId('confirm-button')).toHaveProperty('disabled', true);
    expect(screen.getByTestId('confirm-button').textContent).toBe('Working…');
    await pressEscape();
    expect(onClose).not.toHaveBeenCalled();
    expect(screen.getByRole('button', { name: 'Close' })).toHaveProperty('disabled', true);

    await act(async () => action.resolve());
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('shows the error when the action fails, stays open, and Esc works again', async () => {
    const user = userEvent.setup();
    const action = deferred();
    const { onClose } = renderConfirm(() => action.promise);
    await user.click(screen.getByTestId('confirm-button'));
    await act(async () => action.reject(new KeelError('CONN_REFUSED', 'nothing answers')));

    expect(screen.getByTestId('confirm-dialog').textContent).toContain('nothing answers');
    expect(onClose).not.toHaveBeenCalled();
    expect(screen.getByTestId('confirm-button')).toHaveProperty('disabled', false);
    await pressEscape();
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('runs the action once however often it is submitted, and only once the id is typed', async () => {
    const user = userEvent.setup();
    const action = deferred();
    const onConfirm = vi.fn(() => action.promise);
    renderConfirm(onConfirm, { typeToConfirm: 't001' });

    expect(screen.getByTestId('confirm-button')).toHaveProperty('disabled', true);
    await user.type(screen.getByTestId('confirm-input'), 't00{Enter}');
    expect(onConfirm).not.toHaveBeenCalled();
    await user.type(screen.getByTestId('confirm-input'), '1{Enter}{Enter}');
    expect(onConfirm).toHaveBeenCalledTimes(1);
    await act(async () => action.resolve());
  });
});
