import type { BrowserWindow } from 'electron';

export type RevealableWindow = Pick<BrowserWindow, 'isMinimized' | 'restore' | 'show' | 'focus'>;

/**
 * Bring the console window to the front (second launch, tray). `focus()` alone does nothing on
 * a window hidden in the tray or started hidden at login, so show it first.
 */
export function revealWindow(w: RevealableWindow): void {
  if (w.isMinimized()) w.restore();
  w.show();
  w.focus();
}
