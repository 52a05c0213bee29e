import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import config from '../../../electron.vite.config';
import { contentSecurityPolicy } from './csp';

/** `npm run dev` serves renderer/index.html through the renderer's plugins (apply: 'serve'). */
describe('the dev server page', () => {
  const html = readFileSync(new URL('../../../renderer/index.html', import.meta.url), 'utf8');
  const plugin = (config as { renderer: { plugins: unknown[] } }).renderer.plugins
    .flat()
    .find((p) => (p as { name?: string }).name === 'keel-dev-csp') as {
    apply: string;
    transformIndexHtml: (h: string, ctx: object) => string;
  };

  it('carries the development CSP in its meta tag; the built page keeps the strict one', () => {
    expect(plugin.apply).toBe('serve');
    const served = plugin.transformIndexHtml(html, {
      server: { resolvedUrls: { local: ['http://localhost:5174/'] } },
    });
    expect(served).toContain(
      `content="${contentSecurityPolicy({ devUrl: 'http://localhost:5174/' })}"`,
    );
    expect(served).toContain("script-src 'self' 'unsafe-inline'");
    expect(html).toContain("script-src 'self';");
  });
});
