#!/usr/bin/env node
// Render resources/icons/keel.svg to the PNGs electron-builder and the window use, with the
// system Chromium (no other image tool needed). Run after changing the SVG; the PNGs are committed.
import { readFileSync } from 'node:fs';
import { chromium } from '@playwright/test';

const root = new URL('..', import.meta.url).pathname;
const svg = readFileSync(`${root}resources/icons/keel.svg`, 'utf8');
const browser = await chromium.launch({
  executablePath: process.env.KEEL_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu'],
});
for (const [size, out] of [
  [512, 'resources/build/icon.png'],
  [256, 'resources/icons/keel-256.png'],
  [32, 'resources/icons/tray.png'],
]) {
  const page = await browser.newPage({
    viewport: { width: size, height: size },
    deviceScaleFactor: 1,
  });
  await page.setContent(
    `<html><body style="margin:0;background:transparent">${svg.replace('<svg ', `<svg width="${size}" height="${size}" `)}</body></html>`,
  );
  await page.screenshot({
    path: `${root}${out}`,
    omitBackground: true,
    clip: { x: 0, y: 0, width: size, height: size },
  });
  await page.close();
  console.log(`wrote ${out}`);
}
await browser.close();
