import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, matchesGlob, posix, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import config from '../../electron.vite.config';

/**
 * Packaging smoke test without `electron-builder --dir`: that needs the Electron binary (it
 * copies `node_modules/electron/dist`), which cannot be downloaded here. So this checks the
 * inputs electron-builder 26 reads: package.json metadata the deb target (fpm) refuses to build
 * without (FpmTarget.computeFpmMetaInfoOptions: a project URL from `homepage`/`repository`,
 * a maintainer), and that `asarUnpack` covers the job worker and everything it imports, since
 * a worker thread started from inside app.asar does not load (electron/electron#22446).
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const builder = parse(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as {
  asarUnpack?: string[];
  linux?: { target?: string[]; maintainer?: string };
};
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  homepage?: string;
  repository?: string | { url?: string };
  author?: { email?: string };
};
const unpacked = (p: string): boolean => (builder.asarUnpack ?? []).some((g) => matchesGlob(p, g));

describe('packaging', () => {
  it('package.json has what the deb target requires', () => {
    expect(builder.linux?.target).toContain('deb');
    expect(() => new URL(pkg.homepage ?? '')).not.toThrow();
    const repo = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
    expect(repo).toBeTruthy();
    expect(builder.linux?.maintainer ?? pkg.author?.email).toBeTruthy();
  });

  it('unpacks the job worker file that the main build emits', () => {
    const main = (
      config as {
        main: { build: { outDir: string; rollupOptions: { input: Record<string, string> } } };
      }
    ).main.build;
    expect(Object.keys(main.rollupOptions.input)).toContain('job-thread');
    // electron-vite's main build names entries `[name].js` and shared code `chunks/[name]-[hash].js`.
    expect(unpacked(posix.join(main.outDir, 'job-thread.js'))).toBe(true);
    expect(unpacked(posix.join(main.outDir, 'chunks/tenants.service-0123abcd.js'))).toBe(true);
    expect(unpacked('out/main/index.js')).toBe(false); // the rest stays in app.asar
  });

  const built = join(root, 'out/main/job-thread.js');
  it.skipIf(!existsSync(built))(
    'unpacks every file and package the built worker imports (needs `npx electron-vite build`)',
    () => {
      const seen = new Set<string>();
      const packages = new Set<string>();
      const visit = (file: string): void => {
        if (seen.has(file)) return;
        seen.add(file);
        const src = readFileSync(file, 'utf8');
        for (const m of src.matchAll(/(?:from|import\()\s*["']([^"']+)["']/g)) {
          const spec = m[1]!;
          if (spec.startsWith('.')) visit(resolve(dirname(file), spec));
          else if (!spec.startsWith('node:') && !builtinModules.includes(spec))
            packages.add(
              spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!,
            );
        }
      };
      visit(built);
      const files = [...seen].map((f) => relative(root, f).split('\\').join('/'));
      expect(files.filter((f) => !unpacked(f))).toEqual([]);
      expect([...packages].filter((p) => !unpacked(`node_modules/${p}/package.json`))).toEqual([]);
    },
  );
});
