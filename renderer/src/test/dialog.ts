import { act } from '@testing-library/react';

/**
 * Esc on an open modal <dialog>, as the HTML standard's close-request steps run it: a cancelable
 * `cancel` event at the topmost open dialog, then `close()` unless a listener prevented it.
 * happy-dom implements showModal() and close() but does not turn the Esc key into that request.
 */
export async function pressEscape(): Promise<void> {
  const open = [...document.querySelectorAll('dialog')].filter((d) => d.open);
  const top = open.at(-1);
  if (!top) throw new Error('pressEscape: no open dialog');
  await act(async () => {
    const cancel = new Event('cancel', { cancelable: true });
    if (top.dispatchEvent(cancel)) top.close();
  });
}
