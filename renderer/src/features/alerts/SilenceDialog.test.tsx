import { act, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { Silence } from '@shared/alerts';
import { pressEscape } from '../../test/dialog';
import { SilenceDialog } from './SilenceDialog';

function renderSilence(onSave: (s: Silence) => Promise<void>) {
  const onClose = vi.fn();
  render(<SilenceDialog open envId="demo" silence={undefined} onClose={onClose} onSave={onSave} />);
  return { onClose };
}

describe('SilenceDialog', () => {
  it('shows every problem at once on save: a bad matcher line, no reason, an end before the start', async () => {
    const user = userEvent.setup();
    const onSave = vi.fn(async () => {});
    renderSilence(onSave);
    await user.type(screen.getByTestId('silence-matchers-input'), 'connection');
    await user.clear(screen.getByTestId('silence-end'));
    await user.type(screen.getByTestId('silence-end'), '2020-01-01T00:00');
    await user.click(screen.getByTestId('silence-save'));

    const dialog = screen.getByTestId('silence-dialog');
    expect(dialog.textContent).toContain('line 1: write key=value');
    expect(dialog.textContent).toContain('Say why');
    expect(dialog.textContent).toContain('A silence ends after it starts');
    expect(onSave).not.toHaveBeenCalled();
  });

  it('saves the contract’s silence, stays open (Esc ignored) while saving, then closes', async () => {
    const user = userEvent.setup();
    let finish!: () => void;
    const onSave = vi.fn((_s: Silence) => new Promise<void>((res) => (finish = res)));
    const { onClose } = renderSilence(onSave);
    await user.type(
      screen.getByTestId('silence-matchers-input'),
      'connection=core, severity=warning',
    );
    await user.type(screen.getByTestId('silence-comment'), 'disk swap');
    await user.click(screen.getByTestId('silence-save'));

    expect(onSave).toHaveBeenCalledTimes(1);
    const saved = onSave.mock.calls[0]![0];
    expect(saved).toMatchObject({
      envId: 'demo',
      kind: 'silence',
      matchers: { connection: 'core', severity: 'warning' },
      comment: 'disk swap',
    });
    expect(Date.parse(saved.endsAt) - Date.parse(saved.startsAt)).toBeGreaterThan(0);
    await pressEscape();
    expect(onClose).not.toHaveBeenCalled();
    await act(async () => finish());
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('marks the required fields', () => {
    renderSilence(async () => {});
    const comment = screen.getByLabelText('Comment');
    expect(comment).toHaveProperty('required', true);
    expect(
      comment.closest('.field')?.querySelector('[data-testid="required-mark"]'),
    ).not.toBeNull();
    // Optional fields carry no marker.
    const matchers = screen.getByLabelText('Matchers');
    expect(matchers.closest('.field')?.querySelector('[data-testid="required-mark"]')).toBeNull();
  });
});
