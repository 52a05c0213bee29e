import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { GO_KEYS, ShortcutsProvider } from './shortcuts';

describe('the ? shortcut list', () => {
  it('lists every g-key page the key handler knows, g o and g a among them', async () => {
    const user = userEvent.setup();
    render(
      <ShortcutsProvider>
        <p>page</p>
      </ShortcutsProvider>,
    );
    await user.keyboard('?');
    const dialog = screen.getByTestId('shortcuts-dialog');
    const rows = within(dialog)
      .getAllByRole('row')
      .map((r) => r.textContent ?? '');
    for (const key of Object.keys(GO_KEYS))
      expect(rows.some((r) => r.startsWith(`g then ${key}`))).toBe(true);
    expect(rows).toContain('g then oGo to Overview');
    expect(rows).toContain('g then aGo to Alerts');
  });
});
