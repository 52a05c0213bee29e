import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { trayIconFile } from './tray-icon';

const icons = fileURLToPath(new URL('../../../resources/icons', import.meta.url));

/** Width, height and RGBA pixels of a PNG. */
function decodePng(file: string): { w: number; h: number; px: Buffer } {
  const png = PNG.sync.read(readFileSync(file));
  return { w: png.width, h: png.height, px: png.data };
}

describe('tray icon', () => {
  it('uses a template image on macOS and the coloured icon elsewhere', () => {
    expect(basename(trayIconFile(icons, 'darwin'))).toBe('trayTemplate.png');
    expect(basename(trayIconFile(icons, 'linux'))).toBe('tray.png');
    expect(basename(trayIconFile(icons, 'win32'))).toBe('tray.png');
  });

  it('ships the macOS template at 16 px and 32 px (@2x), black plus alpha only', () => {
    for (const [name, size] of [
      ['trayTemplate.png', 16],
      ['trayTemplate@2x.png', 32],
    ] as const) {
      const { w, h, px } = decodePng(join(icons, name));
      expect([w, h]).toEqual([size, size]);
      let drawn = 0;
      for (let i = 0; i < px.length; i += 4) {
        if ((px[i + 3] ?? 0) === 0) continue;
        drawn++;
        expect([px[i], px[i + 1], px[i + 2]]).toEqual([0, 0, 0]);
      }
      // Something is drawn, and it is not a filled square.
      expect(drawn).toBeGreaterThan(size * 2);
      expect(drawn).toBeLessThan(size * size * 0.8);
    }
  });
});
