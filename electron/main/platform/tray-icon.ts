import { join } from 'node:path';

/**
 * The tray image for a platform. macOS draws menu-bar icons as template images — black plus alpha,
 * recoloured for light, dark and highlighted bars — and picks `@2x` beside the file on Retina;
 * Electron treats a file whose name ends in "Template" as one. A coloured 32 px square there
 * is drawn as is and blurs at 2x. Windows and Linux trays show the coloured icon.
 */
export function trayIconFile(iconsDir: string, platform: NodeJS.Platform): string {
  return join(iconsDir, platform === 'darwin' ? 'trayTemplate.png' : 'tray.png');
}
