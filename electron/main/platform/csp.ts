/**
 * The console's Content-Security-Policy: sent as a header by the desktop shell and kept in
 * renderer/index.html's meta tag. `electron-vite dev` needs inline scripts (React refresh
 * preamble), inline styles (Vite injects CSS as <style>) and its HMR WebSocket, so only a
 * development policy, given the dev server URL, relaxes those three; the packaged one never does.
 */
export function contentSecurityPolicy(o: { devUrl?: string } = {}): string {
  const dev = o.devUrl ? new URL(o.devUrl) : undefined;
  const hmr = dev ? [`${dev.protocol === 'https:' ? 'wss' : 'ws'}://${dev.host}`] : [];
  const inline = dev ? ["'unsafe-inline'"] : [];
  const directives: Array<[string, string[]]> = [
    ['default-src', ["'self'"]],
    ['script-src', ["'self'", ...inline]],
    ['style-src', ["'self'", ...inline]],
    ['img-src', ["'self'", 'data:']],
    ['connect-src', ["'self'", ...hmr]],
    ['font-src', ["'self'"]],
    ['object-src', ["'none'"]],
    ['base-uri', ["'none'"]],
    ['form-action', ["'none'"]],
    ['frame-ancestors', ["'none'"]],
  ];
  return directives.map(([k, v]) => `${k} ${v.join(' ')}`).join('; ');
}
