import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const alias = { '@shared': resolve(root, 'shared') };

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
    plugins: [react()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      minify: true,
      sourcemap: false,
      rollupOptions: { input: { index: resolve(root, 'renderer/index.html') } },
    },
  },
});
