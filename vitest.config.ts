import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

const alias = { '@shared': fileURLToPath(new URL('./shared', import.meta.url)) };

/**
 * Three projects: `unit` needs no servers; `component` renders the renderer's hooks and dialogs
 * with React Testing Library in happy-dom (it implements <dialog>.showModal(), which jsdom lacks); `integration` starts private MariaDB / Redis / InfluxDB
 * instances on loopback (test/support) and the MongoDB / InfluxDB 2 stand-ins where no real one is given.
 * End-to-end tests are Playwright's (playwright.config.ts).
 */
export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          include: [
            'test/unit/**/*.test.ts',
            'shared/**/*.test.ts',
            'electron/**/*.test.ts',
            'renderer/src/**/*.test.ts',
          ],
          environment: 'node',
        },
      },
      {
        resolve: { alias },
        plugins: [react()],
        test: {
          name: 'component',
          include: ['renderer/src/**/*.test.tsx'],
          environment: 'happy-dom',
          setupFiles: ['renderer/src/test/setup.ts'],
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Servers are started per file; files run in parallel on 2 cores at most.
          maxWorkers: 2,
        },
      },
    ],
  },
});
