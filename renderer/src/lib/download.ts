/**
 * Save text as a file through the browser's download path (Electron shows its save dialog).
 * The object URL is revoked on the next tick, once the click has started the download.
 */
export function saveTextFile(fileName: string, text: string, mime = 'text/plain'): void {
  const url = URL.createObjectURL(new Blob([text], { type: `${mime};charset=utf-8` }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** `keel-<what>-20250101-1200.<ext>`: sortable and free of characters Windows refuses. */
export function timestampedName(what: string, ext: string, now = new Date()): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  const stamp = `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}`;
  return `keel-${what.replace(/[^A-Za-z0-9_-]+/g, '_')}-${stamp}.${ext}`;
}
