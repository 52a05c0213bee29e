#!/usr/bin/env node
// Render resources/icons/keel.svg to the PNGs electron-builder and the window use, with the
// system Chromium (no other image tool needed). Run after changing the SVG; the PNGs are committed.
import { readFileSync } from 'node:fs';
import { chromium } from '@playwright/test';

const root = new URL('..', import.meta.url).pathname;
const read = (name) => readFileSync(`${root}resources/icons/${name}`, 'utf8');
const svg = read('keel.svg');
// macOS menu bar: a template image (black + alpha, "Template" in the name, @2x beside it).
const template = read('tray-template.svg');
const browser = await chromium.launch({
  executablePath: process.env.KEEL_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu'],
});
for (const [size, out, source] of [
  [512, 'resources/build/icon.png', svg],
  [256, 'resources/icons/keel-256.png', svg],
  [32, 'resources/icons/tray.png', svg],
  [16, 'resources/icons/trayTemplate.png', template],
  [32, 'resources/icons/trayTemplate@2x.png', template],
]) {
  const page = await browser.newPage({
    viewport: { width: size, height: size },
    deviceScaleFactor: 1,
  });
  await page.setContent(
    `<html><body style="margin:0;background:transparent">${source.replace('<svg ', `<svg width="${size}" height="${size}" `)}</body></html>`,
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
