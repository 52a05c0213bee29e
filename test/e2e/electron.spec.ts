import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';

/** Where `npm install electron` put the binary, if it could download one. */
function electronBinary(): string | undefined {
  const pathTxt = join(process.cwd(), 'node_modules/electron/path.txt');
  if (!existsSync(pathTxt)) return undefined;
  const bin = join(
    process.cwd(),
    'node_modules/electron/dist',
    readFileSync(pathTxt, 'utf8').trim(),
  );
  return existsSync(bin) ? bin : undefined;
}

const bin = electronBinary();
const display = process.platform !== 'linux' || Boolean(process.env.DISPLAY);

test.describe('Electron shell', () => {
  test.skip(
    !bin,
    'no Electron binary: node_modules/electron/path.txt is missing (installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1; `node node_modules/electron/install.js` fetches it where the network allows)',
  );
  test.skip(!display, 'no display: run under xvfb-run to test the Electron window on Linux');

  test('opens the console window with the sandboxed preload bridge only', async () => {
    const env = Object.fromEntries(
      Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined),
    );
    const app = await electron.launch({ executablePath: bin, args: ['.'], env });
    const win = await app.firstWindow();
    await expect(win.getByTestId('nav-health')).toBeVisible();
    const exposed = await win.evaluate(() => {
      const w = globalThis as unknown as { keel: object; require?: unknown; process?: unknown };
      return {
        keel: Object.keys(w.keel).sort(),
        require: typeof w.require,
        process: typeof w.process,
      };
    });
    expect(exposed).toEqual({
      keel: ['invoke', 'shell', 'subscribe'],
      require: 'undefined',
      process: 'undefined',
    });
    await app.close();
  });
});
