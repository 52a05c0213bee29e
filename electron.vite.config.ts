import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import { contentSecurityPolicy } from './electron/main/platform/csp';

const root = fileURLToPath(new URL('.', import.meta.url));
const alias = { '@shared': resolve(root, 'shared') };

/**
 * `electron-vite dev` only: the meta CSP would block the dev server's inline React preamble and
 * injected styles, so the served page gets the development policy; builds keep index.html's.
 */
const devCsp = (): Plugin => ({
  name: 'keel-dev-csp',
  apply: 'serve',
  transformIndexHtml(html, ctx) {
    const devUrl = ctx.server?.resolvedUrls?.local[0] ?? 'http://localhost:5173';
    return html.replace(
      /(http-equiv="Content-Security-Policy"\s+content=")[^"]*"/,
      `$1${contentSecurityPolicy({ devUrl })}"`,
    );
  },
});

/**
 * Three builds with explicit entries:
 * - main: the Electron main process, plus the headless shells (CLI with `keel serve` / agent),
 *   which share the services but never load `electron`;
 * - preload: one sandboxed CommonJS script;
 * - renderer: the React app, also served by `keel serve`.
 */
export default defineConfig({
  main: {
    resolve: { alias },
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve(root, 'electron/main/index.ts'),
          cli: resolve(root, 'electron/cli/index.ts'),
          // Long jobs run on worker threads from this file (services/jobs/thread-executor.ts).
          'job-thread': resolve(root, 'electron/main/job-thread.ts'),
        },
      },
    },
  },
  preload: {
    resolve: { alias },
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve(root, 'electron/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'renderer'),
    resolve: { alias },
    plugins: [react(), devCsp()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      minify: true,
      sourcemap: false,
      rollupOptions: { input: { index: resolve(root, 'renderer/index.html') } },
    },
  },
});
